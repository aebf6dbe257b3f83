"""How a file someone wrote (the catalog, a drill's scenario) is found wanting: every
problem at once, one line each, saying where it is."""

import yaml


class FileProblems(ValueError):
    """The file does not parse; `problems` says where and why, one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def not_yaml(error: yaml.YAMLError, source: str) -> str:
    where = getattr(error, "problem_mark", None)
    line = f" at line {where.line + 1}" if where else ""
    problem = getattr(error, "problem", error)
    return f"{source} is not YAML{line}: {problem}"


def said(error: dict) -> str:
    """One of pydantic's errors as a line: where in the document, and what is wrong."""
    where = ".".join(str(part) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    return f"{where} {message}" if where else message
