"""How a claim is checked: torch scenarios, statistical decision rules, verdicts, derivations, worst cases, reports,
snapshots, mutation testing, the pytest plugin and the command line."""


def installed_version() -> str:
    """boundlab's installed version, for --version, reports and the workers' handshake."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("boundlab")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"
