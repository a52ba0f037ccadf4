"""One case per customer: the ``Case`` aggregate and the ``Stamp`` its commands take.

Case ids are random; a customer's case is found through ``domain.identity``."""

from domain.case.aggregate import Case
from domain.case.stamp import Stamp

__all__ = ["Case", "Stamp"]
