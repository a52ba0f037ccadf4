"""One case per customer: the ``Case`` aggregate, the ``Stamp`` its commands take, and
the case id."""

from domain.case.aggregate import Case
from domain.case.stamp import CASE_NAMESPACE, Stamp, case_id_for

__all__ = ["CASE_NAMESPACE", "Case", "Stamp", "case_id_for"]
