"""Keys of the national identifiers: RPPS (11 digits) and FINESS (9 digits), both Luhn-checked.

The check is table-driven because the simulator validates tens of thousands of keys a second;
a property test holds it equal to python-stdnum's generic Luhn.
"""

from stdnum import luhn

_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_ok(digits: str) -> bool:
    total = 0
    double = False
    for char in reversed(digits):
        value = ord(char) - 48
        total += _DOUBLED[value] if double else value
        double = not double
    return total % 10 == 0


def is_valid_rpps(value: str) -> bool:
    return len(value) == 11 and value.isascii() and value.isdigit() and luhn_ok(value)


def is_valid_finess(value: str) -> bool:
    return len(value) == 9 and value.isascii() and value.isdigit() and luhn_ok(value)


def with_luhn_key(body: str) -> str:
    """`body` followed by its Luhn check digit (used by generators and tests)."""
    return body + luhn.calc_check_digit(body)
