"""`make eval`: measure the peer matcher and the crisis-language detector on real data.

The data lives outside the project (TETHER_EVAL_DIR, default ../shared/eval/) and is never
copied into it; see docs/evaluation.md for the protocol and the latest figures.
"""
