"""The command line in the user's language: help, usage errors and the default of ``--lang``.

The language is ``--lang`` when the command line gives it, before or after the command (read before
parsing, so ``--help`` follows it too; the last one when given twice), else the environment's locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``en…`` → English,
anything else → Chinese), else Chinese. :func:`localise` rewrites the help of the click command
tree typer built — command and option texts from :data:`HELP_ZH` (the English ones are those in
:mod:`g60rules.cli`), typer's panel titles — shows flags as flags (no ``<bool>``), and makes that
language the default of every ``--lang``, and writes the usage line ("用法:", "[选项]", "命令 [参数]...")
through a context whose help formatter is in that language (click's ``Context.formatter_class``).
:func:`error_text` translates click's usage errors.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence

from typer import _click, rich_utils
from typer._click.formatting import HelpFormatter

LANGS = ("zh", "en")


def cli_lang(argv: Sequence[str], environ: Mapping[str, str] = os.environ) -> str:
    """``zh`` or ``en`` for this command line (module docstring)."""
    chosen = None
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        value = arg.partition("=")[2] if arg.startswith("--lang=") else (
            argv[index + 1] if arg == "--lang" and index + 1 < len(argv) else None)
        if value in LANGS:
            chosen = value  # the last one wins, as it does for the command's own option
    if chosen:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        locale = environ.get(name, "")
        if locale:
            return "en" if locale.lower().startswith("en") else "zh"
    return "zh"


# (command path, parameter name or "" for the command itself) → Chinese help.
HELP_ZH: dict[tuple[str, str], str] = {
    ("", ""): "按 YAML 规则集审核财政项目支出绩效目标申报表。",
    ("", "version"): "显示版本并退出。",
    ("check", ""): "审核申报文件；退出码 0 无问题，1 有达到 --fail-on 的问题，2 出错。",
    ("check", "paths"): "申报文件或目录（*.yaml、*.yml、*.xlsx、*.xlsm、*.docx、*.csv）。",
    ("check", "fmt"): "标准输出的报告格式。",
    ("check", "output"): "另将报告写入文件；可重复。",
    ("check", "fail_on"): "使退出码为 1 的最低严重程度。",
    ("check", "strict"): "警告也算失败（同 --fail-on warning）。",
    ("check", "baseline"): "基线文件：只在新问题上失败。",
    ("check", "waivers"): "豁免文件（默认：存在时用 .g60rules-waivers.yaml）。",
    ("check", "changed_since"): "只审核自该 git 版本以来改动的申报（及列出它们的部门文件）。",
    ("check", "engine"): "规则引擎（两者结果相同）。",
    ("check", "jobs"): "工作进程数（默认：CPU 核数）。",
    ("check", "as_of"): "决定哪些规则生效的日期 YYYY-MM-DD（默认：今天）。",
    ("check", "verbose"): "汇总中另外显示引擎、回退和由参考评估器执行的规则。",
    ("check", "cache"): "在此保存结果；未改动的文件不再重新审核（标准错误上说明取自缓存的数量）。",
    ("check", "scheduler"): "在 Dask 集群上审核（tcp://主机:8786）；见 docs/scale.md。",
    ("check", "compare_with"): "上次的 JSON 报告：标出每个问题是新问题、仍存在，还是已修复。",
    ("check", "letters_dir"): "另将回函（.docx 与 .html）写入该目录。",
    ("letters", ""): "为每个有问题的单位写一份回函（.docx 与 .html）及目录 index.html；退出码与 check 相同。",
    ("letters", "paths"): "申报文件或目录。",
    ("letters", "out"): "写入回函的目录（不存在时创建）。",
    ("letters", "compare_with"): "上次的 JSON 报告：回函标出新问题、仍未修改和已修改的问题。",
    ("letters", "engine"): "规则引擎（两者结果相同）。",
    ("letters", "jobs"): "工作进程数（默认：CPU 核数）。",
    ("letters", "cache"): "在此保存结果；未改动的文件不再重新审核（标准错误上说明取自缓存的数量）。",
    ("letters", "as_of"): "决定哪些规则生效的日期 YYYY-MM-DD（默认：今天）。",
    ("check", "waiver_horizon"): "对 DAYS 天以后才到期的豁免提出警告。",
    ("import", ""): "将 .xlsx/.xlsm/.docx/.csv 文件中的每份申报表写成 YAML（注释写明每个值所在的单元格）；"
                    "写出了文件时退出码 0，没有可导入的内容时 2。",
    ("import", "paths"): "工作簿、Word 文档、CSV 文件或目录。",
    ("import", "out"): "写入 YAML 申报文件的目录。",
    ("impact", "quiet"): "不显示进度（进度仅在标准错误为终端时显示）。",
    ("baseline", ""): "记录当前的问题，使 CI 只在新问题上失败。",
    ("baseline create", ""): "写入当前问题的基线（指纹，不含行号）；已豁免的问题不写入。",
    ("baseline create", "baseline"): "要写入的基线文件。",
    ("baseline create", "force"): "覆盖已有的基线。",
    ("baseline update", ""): "按当前问题重写基线，逐条列出新增的条目；已豁免的问题不写入。",
    ("baseline update", "baseline"): "要更新的基线文件。",
    ("graph", ""): "导出申报关系图（部门 → 项目 → 资金 / 指标）及汇总值。",
    ("graph", "fmt"): "导出格式。",
    ("explain", ""): "说明一条规则；给出申报文件时，列出它比较的每个值及结果。",
    ("explain", "rule_id"): "规则编号，如 G60-APP-001（大小写均可）。",
    ("explain", "paths"): "要追踪的申报文件。",
    ("impact", ""): "预览规则集改动的影响：逐条规则列出新增、消失或改变的问题。",
    ("impact", "old"): "改动前的规则集：文件或 git:版本:路径。",
    ("impact", "new"): "改动后的规则集：文件或 git:版本:路径。",
    ("impact", "paths"): "用来比较的申报文件。",
    ("impact", "fmt"): "text，或 md（贴到评审中）。",
    ("impact", "examples"): "每个列表显示的示例数。",
    ("rules", ""): "列出规则，或生成规则文档（每条规则一节）。",
    ("rules", "fmt"): "text（列表）或 md（docs/rules.md）。",
    ("rules", "output"): "写入该文件而不是标准输出。",
    ("ruleset", ""): "处理规则集文件：检查、测试、查看、导出 schema。",
    ("ruleset lint", ""): "列出规则集的所有问题（文件:行:列 及修改提示）；有错误时退出码 1（加 --strict 时警告也算），否则 0。",
    ("ruleset lint", "files"): "规则集文件。",
    ("ruleset lint", "strict"): "警告也算失败（退出码 1）。",
    ("ruleset test", ""): "运行每条规则的通过与失败示例；有示例不符时退出码 1。",
    ("ruleset test", "files"): "规则集文件（默认：自带的规则集）。",
    ("ruleset test", "engine"): "规则引擎。",
    ("ruleset show", ""): "显示合并 extends 与 overrides 后生效的规则集，每个值注明出处。",
    ("ruleset show", "file"): "规则集文件。",
    ("ruleset schema", ""): "输出规则集文件的 JSON Schema（即 rulesets/schema.json）。",
}
# Parameters that read the same in every command.
COMMON_ZH = {
    "ruleset": "规则集文件（默认：rulesets/shanghai.yaml）。",
    "lang": "输出语言：zh（中文）或 en（英文）；默认取自环境变量 LC_ALL / LANG，否则为中文。",
    "waivers": "豁免文件（默认：存在时用 .g60rules-waivers.yaml）。",
    "by": "每个实施单位一份回函（默认），或每个主管部门一份。",
    "quiet": "不显示进度（进度仅在标准错误为终端时显示）。",
    "paths": "申报文件或目录。",
    "help": "显示此帮助并退出。",
}

PANELS = {
    "zh": {"ARGUMENTS_PANEL_TITLE": "参数", "OPTIONS_PANEL_TITLE": "选项", "COMMANDS_PANEL_TITLE": "命令",
           "ERRORS_PANEL_TITLE": "错误", "DEFAULT_STRING": "[默认: {}]", "REQUIRED_LONG_STRING": "[必填]",
           "RICH_HELP": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。", "ABORTED_TEXT": "已中止。"},
    "en": {"ARGUMENTS_PANEL_TITLE": "Arguments", "OPTIONS_PANEL_TITLE": "Options", "COMMANDS_PANEL_TITLE": "Commands",
           "ERRORS_PANEL_TITLE": "Error", "DEFAULT_STRING": "[default: {}]", "REQUIRED_LONG_STRING": "[required]",
           "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.", "ABORTED_TEXT": "Aborted."},
}
# The usage line: its prefix and the metavars of options and subcommands.
USAGE = {"zh": ("用法: ", "[选项]", "命令 [参数]..."), "en": ("Usage: ", "[OPTIONS]", "COMMAND [ARGS]...")}


def _usage_context(lang: str) -> type[_click.Context]:
    """A click context class whose help formatter starts the usage line in ``lang``."""
    usage_prefix = USAGE[lang][0]

    class Formatter(HelpFormatter):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, usage_prefix if prefix is None else prefix)

    return type(f"Context_{lang}", (_click.Context,), {"formatter_class": Formatter})


_CONTEXTS = {lang: _usage_context(lang) for lang in LANGS}

HELP_OPTIONS = ["-h", "--help"]


def localise(root: _click.Command, lang: str) -> None:
    """Put the command tree's help in ``lang`` and make it the default of ``--lang`` (module docstring)."""
    for name, text in PANELS[lang].items():
        setattr(rich_utils, name, text)
    _walk(root, "", lang)


def _walk(command: _click.Command, path: str, lang: str) -> None:
    command.context_class = _CONTEXTS[lang]
    command.options_metavar = USAGE[lang][1]
    if hasattr(command, "subcommand_metavar"):
        command.subcommand_metavar = USAGE[lang][2]
    if lang == "zh" and (path, "") in HELP_ZH:
        command.help = HELP_ZH[(path, "")]
        command.short_help = None
    context = _click.Context(command, help_option_names=HELP_OPTIONS)
    help_option = command.get_help_option(context)
    params = [*command.params, *([help_option] if help_option is not None else [])]
    for param in params:
        if param.name == "lang":
            param.default = lang
        if getattr(param, "is_flag", False):
            param.metavar = ""  # a flag takes no value: show "--strict", not "--strict <bool>"
        if lang == "zh":
            text = HELP_ZH.get((path, param.name or "")) or COMMON_ZH.get(param.name or "")
            if text:
                param.help = text
    for name, sub in getattr(command, "commands", {}).items():
        _walk(sub, f"{path} {name}".strip(), lang)


# click's usage errors (typer._click) as (pattern, Chinese); groups are filled in, translated in turn.
_ERRORS_ZH = (
    (r"No such option: (\S+)(?: \(Possible options: (.+)\)|\s+Did you mean (.+)\?)?", "没有选项 {0}{1}"),
    (r"No such command '(.+?)'\.?(?:\s+Did you mean (.+)\?)?", "没有命令“{0}”{1}"),
    (r"Missing argument '(.+?)'\.?", "缺少参数 {0}"),
    (r"Missing option '(.+?)'\.?", "缺少选项 {0}"),
    (r"Option '(.+?)' requires an argument\.?", "选项 {0} 需要一个值"),
    (r"Option '(.+?)' does not take a value\.?", "选项 {0} 是开关，不带值：直接写 {0}"),
    (r"Invalid value for (.+?): (?:Value error, )?(.+)", "{0} 的值无效：{1}"),
    (r"'(.+?)' is not one of (.+?)\.?", "“{0}”不是可选值，可选：{1}"),
    (r"'(.+?)' is not a valid integer( range)?\.?", "“{0}”不是整数"),
    (r"(.+?) is not in the range (.+?)\.?", "{0} 不在范围 {1} 内"),
    (r"Input should be greater than or equal to (\S+?)\.?", "应不小于 {0}"),
    (r"Input should be a valid integer.*", "应为整数"),
    (r"Got unexpected extra arguments? \((.+)\)", "多余的参数：{0}"),
)


def error_text(message: str, lang: str) -> str:
    """A usage error in ``lang``: click's English, or its Chinese translation when one is known."""
    if lang != "zh":
        return message
    text = message.strip()
    for pattern, zh in _ERRORS_ZH:
        match = re.fullmatch(pattern, text, flags=re.DOTALL)
        if not match:
            continue
        groups = [g for g in match.groups()]
        if pattern.startswith(("No such option", "No such command")):
            close = next((g for g in groups[1:] if g), None)
            return zh.format(groups[0], f"；是否想写 {close}？" if close else "")
        return zh.format(*[error_text(g, lang) if g else "" for g in groups])
    return message
