"""The printed report: one line per figure (name, measured, target, PASS/MISS), and the verdicts
kept for the summary at the end."""


class Report:
    def __init__(self) -> None:
        self.verdicts: list[tuple[str, str]] = []

    @staticmethod
    def line(text: str = "") -> None:
        print(text, flush=True)

    def figure(
        self, name: str, value: str, target: str | None = None, met: bool | None = None, verdict_name: str | None = None
    ) -> None:
        verdict = "" if met is None else ("PASS" if met else "MISS")
        if met is not None:
            self.verdicts.append((verdict_name or name.strip(), verdict))
        self.line(f"  {name:<52} {value:<24} {target or '':<16} {verdict}")


def ms(value: float | None) -> str:
    if value == float("inf"):
        return "not done"
    return "n/a" if value is None else f"{value * 1000:.0f} ms" if value >= 0.01 else f"{value * 1000:.1f} ms"
