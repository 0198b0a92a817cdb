from enum import StrEnum


class CPMSProviderId(StrEnum):
    """Accepts values this release does not know yet: they parse to pseudo-members that keep the
    raw value (``member.value``), so an API that adds a value never breaks an older client."""

    CHARGEPOINT = "CHARGEPOINT"
    SWTCH = "SWTCH"

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
