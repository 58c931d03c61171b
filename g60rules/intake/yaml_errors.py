"""YAML syntax errors explained where they are, in Chinese and English, for every file g60rules reads.

PyYAML reports the mistakes Chinese typists make most in English and often one line late: a
full-width colon ``项目名称：甲`` makes the line a plain scalar, and the parser complains on the *next*
line ("could not find expected ':'"). :func:`explain` looks at the lines between the parser's context
and problem marks (and the three lines before the problem) for the usual causes, in this order —

* a quote left open on its line, which swallowed the keys below it until a later quote closed it
  (the parser fails after that quote, lines later): named on the line where it opened;
* a tab in the indentation (YAML indents with spaces only);
* a full-width colon ``：`` where a key ends;
* a key followed by ``:`` without a space (``项目名称:甲``);
* a quoted value followed by more text (``名称: "甲"乙``);
* a value starting with ``|`` or ``>`` followed by text (read as a block scalar indicator);
* a line indented unlike its siblings;

and otherwise translates the parser's own message (the kinds in :data:`_TRANSLATIONS`; any other is
named as a YAML syntax error), keeping PyYAML's text as detail. When the parser gives its context
(``while parsing a flow mapping`` and where that began), the message names both places: a bracket or
quote left open is reported on the line where it opened, with the line where the parser noticed;
any other context (a block of keys, a key) is named with the line where it began. :func:`colon_slip` finds the first two causes in
text that parsed as a plain string where a mapping was meant. :func:`nested_slip` finds them in a nested key whose line parsed
as a value (``add:[待填]`` below ``prompts:``). Shapes: :class:`YamlProblem` (1-based line and
column, Chinese and English text). Used by the declaration loader and by the reader of rulesets and waivers files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class YamlProblem:
    """Where a YAML file is broken (1-based) and what to do about it, in both languages."""

    line: int
    column: int
    zh: str
    en: str


# PyYAML's problem texts, translated; matched by prefix, first match wins (libyaml's "did not find
# expected …" as PyYAML's "expected …").
_TRANSLATIONS = (
    ("expected <block end>, but found '<scalar>'", "同一行的值后面还有文字（多半是引号只括住了值的一部分）：请把整个值放进引号",
     "more text after a value on the same line (a quote closing early?): put the whole value in quotes"),
    *((start, "值后面还有多余的文字（多半是引号只括住了值的一部分）：请把整个值放进引号",
     "more text after a value (a quote closing early?): put the whole value in quotes")
      for start in ("expected a comment or a line break", "expected comment or line break")),
    ("could not find expected ':'", "找不到键后面的冒号“:”", "no ':' after a key"),
    ("mapping values are not allowed", "此处不能出现“键: 值”（缩进不对，或值中的冒号后有空格：请给值加引号）",
     "a 'key: value' is not allowed here (indentation, or a value holding ': ' that needs quotes)"),
    ("did not find expected key", "缩进不一致，找不到应有的字段", "indentation differs: no key where one was expected"),
    ("expected <block end>", "缩进不一致：同一层的字段应左对齐", "indentation differs: keys of one level must line up"),
    ("found unexpected end of stream", "引号或括号没有成对（文件在其中结束）",
     "a quote or bracket is not closed before the end of the file"),
    ("found undefined alias", "引用了未定义的别名（*名称）", "an alias (*name) that is not defined"),
    ("found character '\\t'", "用了制表符（Tab）；YAML 只能用空格缩进", "a tab; YAML indents with spaces only"),
    ("found a tab character", "用了制表符（Tab）；YAML 只能用空格缩进", "a tab; YAML indents with spaces only"),
    ("found character", "值以 YAML 保留的字符（@ ` % 等）开头：请给整个值加引号",
     "a value starts with a character YAML reserves (@ ` % …): put the value in quotes"),
    ("expected alphabetic or numeric character", "以“&”或“*”开头的值会被当作锚点或别名：请给整个值加引号",
     "a value starting with '&' or '*' reads as an anchor or alias: put the value in quotes"),
    ("found unknown escape character", "双引号中的反斜杠“\\”构成了未知的转义：请改用单引号，或把“\\”写成“\\\\”",
     "a backslash in double quotes makes an unknown escape: use single quotes, or write '\\\\'"),
    ("expected chomping or indentation indicators", "以“|”或“>”开头的值要加引号",
     "a value starting with '|' or '>' needs quotes"),
    ("second occurrence", "锚点（&名称）重复定义", "an anchor (&name) defined twice"),
    ("expected <document start>", "文件在一份内容结束后还有多余的内容（缩进或“---”不对）",
     "more content after the document ends (indentation, or a stray '---')"),
    ("did not find expected node content", "此处缺少值（多半是括号、引号或“-”写错）",
     "a value is missing here (a bracket, quote or '-' out of place)"),
    ("expected ',' or ']'", "方括号 [ ] 没有成对，或列表项之间缺少逗号",
     "a [ ] list is not closed, or a ',' is missing between items"),
    ("expected ',' or '}'", "花括号 { } 没有成对，或字段之间缺少逗号",
     "a { } mapping is not closed, or a ',' is missing between keys"),
)

_KEY_NO_SPACE = re.compile(r"^\s*(?:-\s+)?([^\s:#'\"\[\]{},][^:#'\"]*?):(?=[^\s:/])")


def explain(text: str, exc: yaml.YAMLError) -> YamlProblem:
    """The cause of ``exc`` (raised reading ``text``) with its real line and column."""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    problem = str(getattr(exc, "problem", None) or exc).strip().splitlines()[0]
    if isinstance(exc, yaml.reader.ReaderError) and isinstance(exc.character, int):
        at = text.find(chr(exc.character))  # libyaml's position counts bytes, PyYAML's characters
        at = at if at >= 0 else max(0, min(exc.position, len(text)))
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        code = f"#x{exc.character:04x}"
        return YamlProblem(line, column, f"第 {line} 行第 {column} 列有不可见的控制字符 {code}，请删除",
                           f"line {line}, column {column}: an invisible control character {code}; delete it")
    if problem_mark is None:
        return YamlProblem(1, 1, f"无法解析的 YAML 写法（解析器：{problem}）", f"YAML syntax error: {problem}")
    lines = text.splitlines()
    last = min(problem_mark.line, len(lines) - 1) if lines else 0
    found = _open_quote(text, lines, problem_mark.line)
    if found:
        return found
    first = context_mark.line if context_mark is not None and context_mark.line <= last else last
    first = max(0, min(first, last - 3))
    window = range(first, last + 1)
    for finder in (_tab, _full_width_colon, _no_space_after_colon, _text_after_quote, _block_indicator):
        for index in window:
            found = finder(lines[index], index + 1)
            if found:
                return found
    if problem.startswith(("mapping values are not allowed", "expected <block end>", "did not find expected key")):
        found = _indentation(lines, last)
        if found:
            return found
    kinds = (problem, problem.removeprefix("did not find "))
    zh, en = next(((z, e) for start, z, e in _TRANSLATIONS if any(kind.startswith(start) for kind in kinds)),
                  ("无法解析的 YAML 写法", "YAML the parser cannot read"))
    line, column = problem_mark.line + 1, problem_mark.column + 1
    context = str(getattr(exc, "context", None) or "").strip()
    if context_mark is None or (context_mark.line, context_mark.column) == (problem_mark.line, problem_mark.column):
        return YamlProblem(line, column, f"第 {line} 行第 {column} 列：{zh}（解析器：{problem}）",
                           f"line {line}, column {column}: {en} (parser: {problem})")
    # the parser notices an unclosed bracket or quote where it gives up, often lines later: say
    # where the construct began (the context mark) as well as where the parser stopped
    start_line, start_column = context_mark.line + 1, context_mark.column + 1
    name_zh, name_en, opened = next(((z, e, o) for kind, z, e, o in _CONTEXTS if kind in context),
                                    ("出错的结构", "the construct", False))
    parser = f"{context}, {problem}" if context else problem
    # a bracket or quote left open is the fault: name its line first (a bad escape inside a quote is
    # where the parser stopped, and stays there)
    if opened and ("flow" in context or problem.startswith(("found unexpected end of stream",
                                                            "found unexpected document separator"))):
        return YamlProblem(
            start_line, start_column,
            f"第 {start_line} 行第 {start_column} 列：{zh}；{name_zh}从这里开始，解析器读到第 {line} 行第 {column} 列"
            f"时发现问题（解析器：{parser}）",
            f"line {start_line}, column {start_column}: {en}; {name_en} opened here, the parser noticed at line {line}, "
            f"column {column} (parser: {parser})")
    return YamlProblem(
        line, column,
        f"第 {line} 行第 {column} 列：{zh}；{name_zh}从第 {start_line} 行第 {start_column} 列开始（解析器：{parser}）",
        f"line {line}, column {column}: {en}; {name_en} began at line {start_line}, column {start_column} "
        f"(parser: {parser})")


# PyYAML's and libyaml's contexts ("while parsing a flow mapping"), matched by substring: what began
# at the context mark, in both languages, and whether it is a bracket or quote left open there
_CONTEXTS = (
    ("flow mapping", "花括号“{”", "the { mapping", True),
    ("flow sequence", "方括号“[”", "the [ list", True),
    ("quoted scalar", "引号", "the quoted value", True),
    ("block mapping", "所在的字段块", "the block of keys", False),
    ("block collection", "所在的列表", "the list", False),
    ("simple key", "这个键", "the key", False),
    ("block scalar", "块文本（| 或 >）", "the block text (| or >)", False),
    ("anchor", "锚点（&）", "the anchor (&)", False),
    ("alias", "别名（*）", "the alias (*)", False),
    ("tag", "标签（!）", "the tag (!)", False),
    ("directive", "指令（%）", "the directive (%)", False),
)


def colon_slip(text: str, first_line: int = 1) -> YamlProblem | None:
    """A full-width colon or a colon without a space in ``text`` (its first line is ``first_line``).

    For text that parsed, but as one plain scalar where a mapping was meant: ``类型：项目`` on every
    line is valid YAML — a single string — so no syntax error points at the cause.
    """
    for index, line in enumerate(text.splitlines()):
        found = _full_width_colon(line, first_line + index) or _no_space_after_colon(line, first_line + index)
        if found:
            return found
    return None


_KEY_LINE = re.compile(r"^\s*(?:-\s+)?[^\s:#'\"\[\]{},][^:#]*:(?:\s|$)")


def _open_quote(text: str, lines: list[str], problem_line: int) -> YamlProblem | None:
    """A quote left open on its line that swallowed the keys below it, up to the (0-based) line
    where the parser failed: the next quote on a later line closed it, and what follows that quote
    is what the parser cannot read — the fault is where the quote opened."""
    quoted = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'"):
                quoted = token
    except yaml.YAMLError:
        pass
    if quoted is None:
        return None
    start, end = quoted.start_mark, quoted.end_mark
    inside = lines[start.line + 1:end.line + 1]
    if start.line == end.line or end.line + 1 < problem_line or not any(_KEY_LINE.match(x) for x in inside):
        return None
    number, column, mark = start.line + 1, start.column + 1, text[start.index]
    failed = problem_line + 1
    return YamlProblem(
        number, column,
        f"第 {number} 行第 {column} 列的引号 {mark} 没有在本行闭合：后面各行都被读成了这个值，"
        f"解析器到第 {failed} 行才发现问题；请在第 {number} 行的值末尾补上 {mark}",
        f"line {number}, column {column}: the quote {mark} opened here is not closed on its line, so the lines "
        f"below were read into this value and the parser failed at line {failed}; close the quote on line {number}")


_WORD_KEY = re.compile(r"^[^\W\d][\w-]*:(?=[^\s:/])")


def nested_slip(root: yaml.Node) -> YamlProblem | None:
    """A colon without a space (or a full-width colon) in a nested key that parsed as a value.

    ``prompts:`` with ``add:[待填]`` on the line below is valid YAML — prompts is the string
    "add:[待填]" — so no syntax error names the cause; a plain value that starts with a word and a
    colon and sits on the line below its key (a block was meant), or runs on into a bracket
    (``prompts: add:[待填]``), is explained on its own line as :func:`explain` explains a key at the
    top. Regular expressions (``(?:…)``) and quoted values are never read as keys.
    """
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        if not isinstance(node, yaml.MappingNode):
            continue
        for key, value in node.value:
            stack.append(value)
            if not isinstance(value, yaml.ScalarNode) or value.style or not isinstance(value.value, str):
                continue
            word = _WORD_KEY.match(value.value) or re.match(r"^[^\W\d][\w-]*：", value.value)
            below = value.start_mark.line > key.start_mark.line
            if word and (below or value.value[word.end():word.end() + 1] in ("[", "{")):
                number, column = value.start_mark.line + 1, value.start_mark.column + word.end()
                if word.group().endswith("："):
                    return _full_width_problem(number, column)
                return _no_space_problem(number, column + 1, word.group()[:-1])
    return None


def _tab(line: str, number: int) -> YamlProblem | None:
    indent = len(line) - len(line.lstrip(" \t"))
    column = line.find("\t", 0, indent)
    if column < 0:
        return None
    return YamlProblem(number, column + 1, f"第 {number} 行第 {column + 1} 列用了制表符（Tab）缩进，请改为空格",
                       f"line {number}, column {column + 1}: indented with a tab; YAML indents with spaces only")


def _code(line: str) -> str:
    """The line without a trailing comment."""
    return re.sub(r"\s#.*$", "", line)


def _full_width_colon(line: str, number: int) -> YamlProblem | None:
    code = _code(line)
    column = code.find("：")
    if column < 0 or ": " in code[:column] or code.lstrip().startswith(("#", '"', "'")):
        return None
    return _full_width_problem(number, column + 1)


def _full_width_problem(number: int, column: int) -> YamlProblem:
    return YamlProblem(number, column, f"第 {number} 行用了全角冒号“：”，请改为半角“:”（冒号后加一个空格）",
                       f"line {number}, column {column}: a full-width colon '：'; "
                       "write ': ' (ASCII colon and a space)")


def _no_space_after_colon(line: str, number: int) -> YamlProblem | None:
    code = _code(line)
    match = _KEY_NO_SPACE.match(code)
    # a key may hold a colon (a: b:c is a: "b:c"), but never right before a bracket: key:{…} and
    # key:[…] are a missing space even when the brackets hold "k: v"
    if not match or (": " in code and code[match.end()] not in "[{") or code.rstrip().endswith(":"):
        return None
    return _no_space_problem(number, match.end() + 1, match.group(1).strip())


def _no_space_problem(number: int, column: int, key: str) -> YamlProblem:
    return YamlProblem(number, column, f"第 {number} 行冒号后缺少空格：请写成“{key}: 值”",
                       f"line {number}, column {column}: no space after ':'; write '{key}: value'")


_QUOTED_THEN_TEXT = re.compile(r"""^\s*(?:-\s+)?(?:[^\s:#'"][^:#]*:\s+)?("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')\s*(?=[^\s#])""")


def _text_after_quote(line: str, number: int) -> YamlProblem | None:
    match = _QUOTED_THEN_TEXT.match(line)
    if not match:
        return None
    column = match.end() + 1
    return YamlProblem(number, column,
                       f"第 {number} 行第 {column} 列：引号只括住了值的一部分，后面还有文字：请把整个值放进引号",
                       f"line {number}, column {column}: text after the closing quote; put the whole value in quotes")


_BLOCK_INDICATOR = re.compile(r"""^\s*(?:-\s+)?(?:[^\s:#'"][^:#]*:\s+)?([|>])(?=[^\s0-9+#-])""")


def _block_indicator(line: str, number: int) -> YamlProblem | None:
    match = _BLOCK_INDICATOR.match(line)
    if not match:
        return None
    column = match.start(1) + 1
    return YamlProblem(number, column, f"第 {number} 行第 {column} 列：以“{match.group(1)}”开头的值要加引号",
                       f"line {number}, column {column}: a value starting with '{match.group(1)}' needs quotes")


def _indentation(lines: list[str], index: int) -> YamlProblem | None:
    """The problem line indented unlike the previous non-blank line of the same block."""
    if index >= len(lines):
        return None
    own = len(lines[index]) - len(lines[index].lstrip(" "))
    previous = next((lines[i] for i in range(index - 1, -1, -1)
                     if lines[i].strip() and not lines[i].lstrip().startswith("#")), None)
    if previous is None:
        return None
    before = len(previous) - len(previous.lstrip(" "))
    # deeper than a line that opens a block (word_tables:) is where its keys belong, not a mismatch
    if own == before or (own > before and _code(previous).rstrip().endswith(":")):
        return None
    number = index + 1
    return YamlProblem(number, own + 1,
                       f"第 {number} 行缩进 {own} 个空格，与上一行的 {before} 个不一致：同一层的字段要左对齐",
                       f"line {number} is indented {own} spaces, the line before {before}: "
                       "keys of one level must line up")
