from django.apps import AppConfig


class PeersConfig(AppConfig):
    name = "tether.peers"
    verbose_name = "Peer communities"
