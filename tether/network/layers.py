"""The five layers of a patient's support system, in the order the practice recommends
building them."""

from django.db import models


class Layer(models.TextChoices):
    CRISIS = "crisis", "Crisis support"
    RELATIONAL = "relational", "People I trust"
    PEER = "peer", "Peer community"
    PROFESSIONAL = "professional", "Professional care"
    DIGITAL = "digital", "Programs with a real person"


LAYER_ORDER: tuple[Layer, ...] = (
    Layer.CRISIS,
    Layer.RELATIONAL,
    Layer.PEER,
    Layer.PROFESSIONAL,
    Layer.DIGITAL,
)
