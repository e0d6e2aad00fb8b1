"""The code the Stability page shows: the stable form in plain PyTorch."""

from __future__ import annotations

from core.i18n import tr


def stable_code(lang: str = "pt") -> str:
    """The stable form in plain PyTorch, as the page shows it, commented in ``lang``.

    ``torch.logaddexp(d, 0)`` is softplus(d) computed without overflow; it does not carry
    the rounding error of y - x as ``log_exp(..., "stable")`` does.
    """
    return "\n".join(
        [
            "import torch",
            "",
            "",
            "def log_exp(x, y):",
            f"    # {tr('stab.code.formula', lang)}",
            f"    # {tr('stab.code.why', lang)}",
            "    d = y - x",
            "    return torch.logaddexp(d, torch.zeros_like(d))",
            "",
        ]
    )
