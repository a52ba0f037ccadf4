"""Every fact of a case, as an immutable event with an explicit, stable topic.

Personal data sits in ``PersonalData`` fields only, sealed with the customer's key when
stored. ``apply`` is the only code that changes a case's state, so replaying the events
rebuilds it. The events live in modules by the lifecycle's seams; this package exports them
all, so ``from domain import events as ev`` names every one.
"""

from domain.events.appeals import *
from domain.events.base import *
from domain.events.contacts import *
from domain.events.equality import *
from domain.events.matters import *
from domain.events.notices import *
from domain.events.ombudsman import *
from domain.events.privacy import *
from domain.events.restrictions import *
from domain.events.warnings import *
