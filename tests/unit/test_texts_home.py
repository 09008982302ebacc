"""Every sentence a user reads lives in `bot/texts`: a checker over the rest of `bot/`.

It parses each module under `bot/` (except `bot/texts`) and fails on a string literal that
looks like words for a user where one reaches Discord: a keyword such as `content=`,
`title=`, `label=` or `placeholder=`, the message of `send_message`/`send`/`edit_message`,
a `discord.Embed` or a `SelectOption`, a modal's `title=`, or anything a presenter returns
or keeps in a table. Log messages, exceptions for developers, custom ids, format specs and
slash-command metadata (names and descriptions registered with Discord) are allowed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"

# Keywords whose string ends up in front of a user.
USER_KEYWORDS = frozenset(
    {"content", "title", "description", "label", "placeholder", "text", "name", "value"}
)
# Calls whose positional strings end up in front of a user.
USER_CALLS = frozenset(
    {
        "send_message",
        "send",
        "edit_message",
        "edit_original_response",
        "reply",
        "respond",
        "Embed",
        "SelectOption",
        "add_field",
        "set_footer",
        "set_author",
    }
)
# Slash-command metadata: registered with Discord along with the command, kept next to it.
METADATA_CALLS = frozenset({"command", "describe", "Group", "rename", "choices", "Parameter"})
# Developers' words: logs, exceptions, warnings.
DEVELOPER_CALLS = frozenset(
    {"debug", "info", "warning", "error", "exception", "critical", "log", "warn"}
)
# Keywords whose single words count too: a button reading "Save" is words for a user.
LABEL_KEYWORDS = frozenset({"label", "name", "placeholder", "title"})
PRESENTERS_EXEMPT = {"text_limits.py"}  # clipping helpers: ellipses and separators only


def _words(text: str) -> bool:
    """Whether `text` reads as words for a person: a letter and a space, once markup is gone."""
    stripped = re.sub(r"\{[^{}]*\}", "", text)  # format fields
    stripped = re.sub(r"<[@#&t][^>]*>", "", stripped)  # mentions and timestamps
    stripped = re.sub(r"%[-#0-9.]*[A-Za-z]", "", stripped)  # strftime / %-format specs
    return bool(re.search(r"[A-Za-z]", stripped)) and " " in stripped.strip()


def _label(text: str) -> bool:
    """Whether a button or option label has words in it (single words count)."""
    return bool(re.search(r"[A-Za-z]{2,}", text))


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _literals(node: ast.AST) -> list[str]:  # noqa: PLR0911 - one case per node kind
    """The plain string parts of a literal, an f-string, or a literal inside `a + b` / `x or y`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(_literals(v)[0] if _literals(v) else "{}" for v in node.values)]
    if isinstance(node, ast.BinOp):
        return _literals(node.left) + _literals(node.right)
    if isinstance(node, ast.BoolOp):
        return [s for v in node.values for s in _literals(v)]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    if isinstance(node, ast.Call):  # clip("…", limit) and friends
        return [s for arg in node.args for s in _literals(arg)]
    return []


class _Finder(ast.NodeVisitor):
    def __init__(self, path: str, presenter: bool) -> None:
        self.path = path
        self.presenter = presenter
        self.found: list[str] = []
        self._skip: set[int] = set()

    def report(self, node: ast.AST, text: str) -> None:
        self.found.append(f"{self.path}:{getattr(node, 'lineno', 0)}: {text!r}")

    def check(self, node: ast.AST, *, label: bool = False) -> None:
        for text in _literals(node):
            if _words(text) or (label and _label(text)):
                self.report(node, text)

    def skip_subtree(self, node: ast.AST) -> None:
        self._skip.update(id(n) for n in ast.walk(node))

    def visit_Call(self, node: ast.Call) -> None:
        name = _call_name(node)
        if name in METADATA_CALLS or name in DEVELOPER_CALLS:
            self.skip_subtree(node)
            return
        for keyword in node.keywords:
            if keyword.arg in USER_KEYWORDS:
                self.check(keyword.value, label=keyword.arg in LABEL_KEYWORDS)
                self.skip_subtree(keyword.value)
        if name in USER_CALLS:
            for arg in node.args:
                self.check(arg, label=name == "SelectOption")
                self.skip_subtree(arg)
        self.generic_visit(node)

    def visit_Raise(self, node: ast.Raise) -> None:
        self.skip_subtree(node)

    def visit_Expr(self, node: ast.Expr) -> None:
        if _is_docstring(node):  # a bare string: a docstring, an attribute's docstring
            self.skip_subtree(node)
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for keyword in node.keywords:  # a modal's `title=` in its class line
            if keyword.arg == "title":
                self.check(keyword.value)
        if node.body and _is_docstring(node.body[0]):
            self.skip_subtree(node.body[0])
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if node.body and _is_docstring(node.body[0]):
            self.skip_subtree(node.body[0])
        for decorator in node.decorator_list:
            self.visit(decorator)
        for statement in node.body:
            self.visit(statement)

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815 - the visitor's naming

    def visit_Constant(self, node: ast.Constant) -> None:
        # In a presenter every other literal is on its way to a user.
        text = node.value
        if self.presenter and id(node) not in self._skip and isinstance(text, str) and _words(text):
            self.report(node, text)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        if self.presenter and id(node) not in self._skip:
            self.check(node)
        self.skip_subtree(node)
        self.generic_visit(node)


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def sentences_outside_texts(root: Path = BOT) -> list[str]:
    """`path:line: text` for each user-facing literal found outside `bot/texts`."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] == "texts":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if tree.body and _is_docstring(tree.body[0]):
            tree.body = tree.body[1:]
        presenter = relative.parts[0] == "presenters" and relative.name not in PRESENTERS_EXEMPT
        finder = _Finder(f"bot/{relative.as_posix()}", presenter)
        finder.visit(tree)
        found += finder.found
    return found


# Known and waiting: bot/presenters/notices.py was being rewritten in parallel when this
# checker came in; its few labels move to bot/texts with that work. Nothing else may join.
NOT_YET_MOVED = {
    "bot/presenters/notices.py": {
        "'TutorBot session'",
        "'Booking #{}'",
        "'Your share'",
        "'TutorBot booking #{}'",
    },
}


def test_every_sentence_lives_in_bot_texts() -> None:
    left = []
    for line in sentences_outside_texts():
        place, text = line.split(": ", 1)
        path = place.rpartition(":")[0]
        if text not in NOT_YET_MOVED.get(path, set()):
            left.append(line)
    assert left == []


def test_the_checker_catches_a_reply_written_in_a_cog(tmp_path: Path) -> None:
    cogs = tmp_path / "cogs"
    cogs.mkdir()
    (cogs / "oops.py").write_text(
        "async def run(interaction):\n"
        '    """Reply."""\n'
        '    logger.info("answered user %s", 1)\n'
        '    await interaction.response.send_message("Something went wrong")\n'
        '    await interaction.followup.send(content=f"Booked {n} sessions", ephemeral=True)\n'
        '    button = discord.ui.Button(label="Save", custom_id="x:save")\n',
        encoding="utf-8",
    )
    found = sentences_outside_texts(tmp_path)
    assert [line.split(": ", 1)[1] for line in found] == [
        "'Something went wrong'",
        "'Booked {} sessions'",
        "'Save'",
    ]


def test_the_checker_leaves_developers_words_alone(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "fine.py").write_text(
        '"""A module docstring with words."""\n'
        'LIMITS = {"a": 1}\n'
        '"""An attribute docstring with words."""\n'
        "def run(x):\n"
        '    """A docstring with words."""\n'
        '    logger.warning("could not reach guild %s", x)\n'
        "    if not x:\n"
        '        raise ValueError("x must be set")\n'
        '    return discord.ui.Button(custom_id="start:save", label=texts.SAVE)\n',
        encoding="utf-8",
    )
    assert sentences_outside_texts(tmp_path) == []
