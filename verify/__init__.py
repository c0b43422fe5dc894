"""How a claim is checked: torch scenarios, statistical decision rules, verdicts, derivations, worst cases, reports,
snapshots, mutation testing, the pytest plugin and the command line."""
