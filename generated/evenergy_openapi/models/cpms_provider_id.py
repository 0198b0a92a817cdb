from enum import StrEnum
from typing import cast


class CPMSProviderId(StrEnum):
    """Accepts values this release does not know yet: they parse to pseudo-members that keep the
    raw value (``member.value``), so an API that adds a value never breaks an older client."""

    CHARGEPOINT = "CHARGEPOINT"
    SWTCH = "SWTCH"

    @classmethod
    def parse(cls, value: str) -> "CPMSProviderId":
        """The member whose value is `value`, or a pseudo-member that keeps an unknown value."""
        member = cls._value2member_map_.get(value)
        return cls(value) if member is None else cast("CPMSProviderId", member)

    @classmethod
    def _missing_(cls, value: object) -> "CPMSProviderId | None":
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    def __str__(self) -> str:
        return str(self.value)
