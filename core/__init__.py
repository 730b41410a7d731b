"""The shared vocabulary: every other package may import it; it imports none of them.

    shop.py       Shop, the one record per point of sale
    artifacts.py  what the scanner gathers (pages, robots, Places) and typed failure kinds
    steps.py      the five journey steps and their labels
    signals.py    the signal catalogue (data/signals.toml)
    result.py     probe results (ProbeReport, StepObservation, Signal)
    errors.py     the error hierarchy and exit codes
    http.py       HttpContext and the one client factory; network.py the SSRF guard
    text.py       folding, registrable domain, host lists; geo.py distances
"""
