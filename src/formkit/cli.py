"""The `formkit` command: a thin layer over the library, in Chinese.

Each command calls one library function and turns FormkitError into a clear message and exit code.
Heavy modules are imported inside the commands, so `formkit --help` starts fast.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from formkit import __version__
from formkit.errors import FormkitError

_ZH = {
    "usage: ": "用法：",
    "options": "选项",
    "positional arguments": "位置参数",
    "show this help message and exit": "显示帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n（运行 formkit --help 或 formkit 命令 --help 查看用法）\n",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的取值 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的取值：%(value)r",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "expected at most one argument": "最多只能有一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 必须提供其中一个",
    "ignored explicit argument %r": "忽略了多余的值 %r",
    "unexpected option string: %s": "意外的选项：%s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有命令 %(parser_name)r（可用：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
}
"""argparse's own texts (usage, headings, errors), in Chinese: argparse looks each one up through its module's
`_` and `ngettext` when it uses it, so they are replaced there (texts not listed stay as they are)."""


def _zh(message: str) -> str:
    return _ZH.get(message, message)


def _zh_n(singular: str, plural: str, n: int) -> str:
    return _zh(singular if n == 1 else plural)


argparse._ = _zh                 # type: ignore[attr-defined]
argparse.ngettext = _zh_n        # type: ignore[attr-defined]


def _folder(text: str) -> Path:
    """A folder named on the command line: not an empty name (formkit init "$UNSET" made the campaign in the current
    folder, unsaid)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("目录名称是空的；请写出要新建的目录，如 formkit init 2023廉政风险防控")
    return Path(text)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--dir", type=Path, default=Path("."), metavar="目录",
                        help="工作目录（含 formkit.toml、inbox/、outbox/），默认为当前目录")
    common.add_argument("--quiet", "-q", action="store_true", help="不显示进度和摘要，只输出错误")

    p = argparse.ArgumentParser(
        prog="formkit", formatter_class=argparse.RawDescriptionHelpFormatter, add_help=False,
        description="廉政风险防控表单工具：生成表单、读取报送文件、校验、汇总成廉政风险目录。",
        epilog="常用流程：formkit init 活动目录 → 编辑名册 → formkit generate → 收到的文件放进 inbox/ → formkit merge")
    p.add_argument("-h", "--help", action="help", help="显示帮助并退出")
    p.add_argument("--version", action="version", version=f"formkit {__version__}", help="显示版本号并退出")
    # also before the command, as git -C is (formkit --dir 活动 merge said the folder was no command name)
    p.add_argument("--dir", type=Path, dest="dir_before", metavar="目录", help="工作目录，也可以写在命令之后")
    p.add_argument("--quiet", "-q", action="store_true", dest="quiet_before", help="同命令之后的 --quiet")
    sub = p.add_subparsers(dest="command", metavar="命令", title="命令")

    def command(name: str, help_text: str, description: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help_text, description=description, parents=[common],
                           formatter_class=argparse.RawDescriptionHelpFormatter, add_help=False)
        c.add_argument("-h", "--help", action="help", help="显示帮助并退出")
        return c

    c = command("init", "新建一个活动工作目录",
                "新建工作目录：示例 formkit.toml、示例名册（名册.xlsx）、空的 inbox/ 与 outbox/。目录中已有 formkit.toml 时不覆盖"
                "（退出码 2），已有的名册.xlsx 保留不动。相对路径的目录建在 --dir 之下。")
    c.add_argument("target", type=_folder, metavar="目录", help="要新建的工作目录")

    c = command("generate", "生成空白表单（下发用）",
                "生成下发的表单到 outbox/templates/。risks 阶段：附件1 一份，附件2、附件4 每个部门一份，附件3 每人一份"
                "（名册无人员名单时每部门一份）；measures 阶段：根据 inbox/ 中已接收的风险点预填附件5（每人）和附件6（每部门）。"
                "退出码：0 已生成；2 未执行（配置或名册有误）。")
    c.add_argument("--stage", choices=("risks", "measures"), default="risks", help="阶段：risks（默认）或 measures")
    c.add_argument("--department", action="append", metavar="代码", help="只生成这些部门的表单（部门代码或名称，可重复）")

    c = command("merge", "读取 inbox/ 并汇总",
                "读取 inbox/ 中的全部文件（含压缩包、邮件），校验、汇总，写出 outbox/廉政风险目录.xlsx、公示、反馈和 report.json。"
                "退出码：0 没有退回或无法读取的文件；1 有退回或无法读取的文件（结果照常写出）；2 未执行或未完成（配置有误、没有 inbox/、结果无法写出）。")
    c.add_argument("--compare", type=Path, metavar="工作簿", help="与指定的往期汇总工作簿比较（默认：outbox/历史/ 中最近的一份）")

    c = command("check", "校验单个文件（不汇总）",
                "逐个校验报送文件并列出问题，不汇总、不写出结果文件；在工作目录中运行时还对照 inbox/ 中已接收的表单"
                "（附件4 的关联权力事项、附件5/6 的风险编号与风险点）。退出码：0 没有错误；1 有错误或找不到文件；2 未执行（配置或名册有误）。")
    c.add_argument("files", type=Path, nargs="+", metavar="文件", help="要校验的文件（.xlsx/.xls/.ods/.et/.zip/.eml）")

    c = command("demo", "生成并汇总一个演示活动",
                "在目录中生成演示活动（示范学院、8 个部门、41 名教职工、含典型错误的报送文件），并运行 merge。")
    c.add_argument("target", type=_folder, nargs="?", metavar="目录", help="演示目录（默认：新建 formkit-demo；须是新的、空的或上次的演示目录）")
    return p


def _os_message(exc: OSError) -> str:
    import errno

    name = Path(exc.filename) if exc.filename else None
    if name is not None and name.name.startswith((".tmp-", ".formkit")):
        name = name.parent          # a file of formkit's own (a temporary one, the lock): the folder it is in
    where = f"“{name}”" if name is not None else "文件"
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return f"没有权限读写{where}；请检查它和所在文件夹的权限（是否只读、是否属于别的用户）后重新运行。"
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间不足，无法写入{where}；请清理磁盘后重新运行。"
    if exc.errno == errno.EROFS:
        return f"{where}所在的磁盘是只读的；请把工作目录放到可写的位置。"
    if exc.errno == errno.EBUSY:
        return f"{where}正在被 Excel 或 WPS 打开；请先关闭它，然后重新运行。"
    if exc.errno == errno.EISDIR:
        return f"{where}是一个文件夹，占用了 formkit 要写出的文件的位置；请把它移走或改名，然后重新运行。"
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        return f"{where}已经存在，而且不是文件夹；请换一个名称，或先把它移走。"
    return f"无法读写{where}（{exc.strerror or type(exc).__name__}）。"


class _Screen:
    """stdout for the screen summary: a character the terminal's encoding lacks is shown as ?, and a screen that
    goes away (piped into `head`, redirected to a full device) silences the rest of the summary without
    changing what the command did or its exit code."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self._gone = False
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError, OSError):
            pass

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                return self._stream.write(text)
            except OSError:
                self._go_away()
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except OSError:
                self._go_away()

    def _go_away(self) -> None:
        self._gone = True
        try:        # no second error when Python flushes the stream at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())
        except (OSError, ValueError, AttributeError):
            pass

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _interrupted(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):     # (a terminal of ISO-8859-1: the help threw a traceback)
        try:
            stream.reconfigure(errors="replace" if stream is sys.stdout else "backslashreplace")
        except (AttributeError, ValueError, OSError):
            pass
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    if args.dir_before is not None and args.dir == Path("."):      # (the command's own --dir, where given, wins)
        args.dir = args.dir_before
    args.quiet = args.quiet or args.quiet_before
    import signal

    screen, sys.stdout = sys.stdout, _Screen(sys.stdout)
    handlers = {}
    for name in ("SIGTERM", "SIGHUP"):          # the terminal closed, the session ended: as Ctrl-C
        try:
            handlers[name] = signal.signal(getattr(signal, name), _interrupted)
        except (AttributeError, ValueError):    # not on this system; not the main thread (an embedding program)
            pass
    try:
        return COMMANDS[args.command](args)
    except FormkitError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return exc.exit_code
    except UnicodeEncodeError:   # file names in Chinese under a locale that cannot spell them (ISO-8859-1)
        if "utf" in sys.getfilesystemencoding().lower() or "gb" in sys.getfilesystemencoding().lower():
            raise
        print(f"错误：本机的区域设置（文件名编码 {sys.getfilesystemencoding()}）无法使用中文文件名；请改用 UTF-8 的区域设置"
              "后重新运行。(The locale cannot encode Chinese file names: run with LANG=C.UTF-8.)",
              file=sys.stderr)
        return 2
    except OSError as exc:          # the coordinator's disk: permissions, space, a read-only folder
        # (merge and generate may have written some outputs before it: said, so that "not done" is not believed)
        partly = {"merge": "本次汇总没有完成（已写出的部分结果不完整，没有 report.json），处理后重新运行 merge 即可。",
                  "generate": "表单没有全部生成，处理后重新运行 generate 即可。"}.get(args.command, "")
        print(f"错误：{_os_message(exc)}{partly}", file=sys.stderr)
        return 2
    except Exception as exc:
        sqlite3 = sys.modules.get("sqlite3")
        if sqlite3 is not None and isinstance(exc, sqlite3.Error):   # the read cache under outbox/
            print(f"错误：读取结果缓存（outbox/.formkit-cache.sqlite）无法使用（{exc}）；请检查 outbox/ 的权限，"
                  "或删除该文件后重新运行（它只是缓存）。", file=sys.stderr)
            return 2
        if _interrupted_inside(exc):    # Ctrl-C while a module was imported (Python turns it into a RuntimeError)
            print("\n已中断。", file=sys.stderr)
            return 130
        return _internal_error(args, exc)
    except KeyboardInterrupt:
        print("\n已中断。" + {"merge": "本次汇总没有完成：outbox/ 中的每个文件要么还是上一次的，要么已是本次的（没有写了一半的"
                                      "文件），请重新运行 merge。",
                             "generate": "表单可能只生成了一部分，请重新运行 generate（已生成的会列为需要发出）。"}.get(args.command, ""),
              file=sys.stderr)
        return 130
    finally:
        sys.stdout = screen
        for name, handler in handlers.items():
            signal.signal(getattr(signal, name), handler)


def _interrupted_inside(exc: BaseException) -> bool:
    """Whether a KeyboardInterrupt lies under an error (raised while Python set up a class, it comes as a
    RuntimeError: said as formkit's own fault, "send it to the maintainers")."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


_FAULT_LOG = "formkit-错误记录.txt"
"""Where a fault of formkit's own is recorded for the maintainers (kept after later runs that go well: it is what
they need, and a run after it removed it before anyone sent it)."""


def _internal_error(args, exc: Exception) -> int:
    """A fault of formkit's own (no mistake of the user's): said in Chinese, exit 2 ("not done", not merge's 1 for
    returned files), the traceback kept in a file for whoever maintains it rather than thrown on the screen."""
    import tempfile
    import traceback

    what = {"merge": "本次汇总没有完成（已写出的部分结果不完整），", "generate": "表单没有全部生成，"}.get(args.command, "")
    text = "".join(traceback.format_exception(exc))
    where = None
    for folder in (getattr(args, "dir", None) and Path(args.dir) / "outbox", Path(tempfile.gettempdir())):
        if folder and folder.is_dir():
            try:
                where = folder / _FAULT_LOG
                where.write_text(f"formkit {__version__} {args.command}\n{text}", encoding="utf-8")
                break
            except OSError:
                where = None
    print(f"错误：formkit 内部出错（{type(exc).__name__}: {str(exc)[:200]}），{what}这不是您的操作造成的。"
          + (f"详细信息已写入 {where}，请把它发给维护人员。" if where else ""), file=sys.stderr)
    if where is None:
        print(text, file=sys.stderr)
    return 2


def _skipped_said(skipped) -> str:
    """Why files were skipped, as the screen says it: the two commonest reasons, shortened (it named temporary files
    and shortcuts whatever the reasons were: a blank form sent back along with a filled one was among them, unsaid)."""
    from collections import Counter

    def short(reason: str) -> str:
        text = re.split(r"[（(，,；;：:]", reason, maxsplit=1)[0].removesuffix("已跳过").strip()
        return text[:24] + ("…" if len(text) > 24 else "")

    reasons = Counter(short(s.reason) for s in skipped)
    said = "、".join(f"{reason} {n} 个" if n > 1 else reason for reason, n in reasons.most_common(2))
    return said + ("等" if len(reasons) > 2 else "")


def _warn(cfg, args) -> None:
    """The configuration's warnings (a setting ignored, phases overlapping, the example leader's name left in),
    before the command runs, on stderr; not with --quiet (only errors, as its help says)."""
    if args.quiet:
        return
    for text in cfg.warnings:
        print(f"提醒：{text}", file=sys.stderr)


def _say(args, text: str = "") -> None:
    if not args.quiet:
        print(text)


def cmd_init(args) -> int:
    import shlex

    from formkit.workspace import init_workdir

    kept: list[str] = []
    root = init_workdir(args.dir / args.target, kept=kept)      # a relative 目录 is under --dir
    _say(args, f"已创建工作目录 {root}：")
    _say(args, "  formkit.toml   活动配置（单位名称、主要领导、各阶段日期、公示选项）")
    _say(args, "  名册.xlsx      部门名单（必填）与人员名单（可选）" + ("（已有的名册保留未动）" if "名册.xlsx" in kept else ""))
    _say(args, "  inbox/         收到的报送文件放在这里")
    _say(args, "  outbox/        formkit 的全部输出")
    _say(args, f"下一步：编辑 formkit.toml（单位名称、主要领导；各阶段日期是实施方案中 2023 年的示例，请改为本轮活动的日期）"
               f"和 名册.xlsx，然后运行 formkit generate --dir {shlex.quote(str(root))}")
    return 0


def cmd_generate(args) -> int:
    from formkit.config import load_config
    from formkit.lock import working_folder_lock

    cfg = load_config(args.dir)
    _warn(cfg, args)
    _past_campaign(cfg, args)
    with working_folder_lock(cfg.outbox):
        return _generate(args, cfg)


def _past_campaign(cfg, args) -> None:
    """Forms generated after the whole campaign has ended: formkit.toml still holds an earlier round's dates (init's
    example is the plan's 2023), and every return would be counted late. Said before generating, not refused."""
    from datetime import date

    if args.quiet or not cfg.phases:
        return
    last = max(cfg.phases.values(), key=lambda p: p.end)
    if date.today() > last.end:
        print(f"提醒：formkit.toml 中各阶段的日期都已过去（最后一个阶段 {last.end.isoformat()} 结束），按这些日期收回的表单"
              "都会记为逾期。如是新一轮活动，请先修改 [phases] 各阶段的日期和 [campaign] 的名称、年度，再生成表单。",
              file=sys.stderr)


def _generate(args, cfg) -> int:
    from formkit.generate import generate_campaign
    from formkit.progress import Progress

    progress = Progress(enabled=False if args.quiet else None)
    accepted = None
    if args.stage == "measures":
        from formkit.pipeline import analyse

        if not cfg.inbox.is_dir():
            raise FormkitError(f"找不到 {cfg.inbox}；measures 阶段需要根据 inbox/ 中已接收的附件3、附件4 预填。")
        from formkit.cache import open_store

        store = open_store(cfg.outbox, cfg)          # merge's cache
        accepted = analyse(cfg, progress=progress, store=store)
        if not args.quiet:
            for note in store.notes:
                print(f"提醒：{note}", file=sys.stderr)
    removed: list = []
    prefilled: list[int] = []
    unanswered: list[str] = []
    blank: list[str] = []
    changes: dict[str, list] = {}
    paths = generate_campaign(cfg, args.stage, args.department, progress=lambda d, t: progress("生成", d, t),
                              accepted=accepted, removed=removed, prefilled=prefilled, unanswered=unanswered,
                              blank=blank, changes=changes)
    progress.close()
    root = cfg.outbox / "templates"

    def listed(found: list, n: int = 10) -> str:
        return "、".join(_shown(p.relative_to(root).as_posix()) for p in found[:n]) + ("等" if len(found) > n else "")

    _say(args, f"已生成 {len(paths)} 份表单，位于 {root}")
    if any(changes.get(k) for k in ("same", "changed", "answered", "renamed", "moved")):
        # generated again: which forms differ from the ones already there (all were rewritten: the coordinator sent
        # every form again, to people who had returned theirs)
        differ = changes["changed"] + changes["new"]
        same = len(changes["same"])
        rest = [f"{same} 份与上次相同（已发出的不必重发）"] if same or not (
            changes["answered"] or changes["renamed"] or changes["moved"]) else []
        if changes["answered"]:     # (re-generated after measures came: pre-filled with them, nothing left to fill)
            rest.append(f"{len(changes['answered'])} 份措施表的每一行都已预填收到的措施（已交齐，不必重发）")
        if changes["moved"]:        # (a person moved to another department in the roster: the form they had still counts)
            rest.append(f"{len(changes['moved'])} 份是名册中调到其他部门的人员按新部门生成的（{listed(changes['moved'], 5)}），"
                        "已交回原表的不必再发（原表仍然有效），还没交的发新表即可")
        if changes["renamed"]:      # (the department renamed in the roster: the forms it has are still its own)
            rest.append(f"{len(changes['renamed'])} 份是部门在名册中改名后按新名称重新生成的（{listed(changes['renamed'], 5)}），"
                        "已发出的旧表仍然有效、收回后照常汇总，不必重发")
        if differ:
            _say(args, f"与上次生成的相比：{len(changes['changed'])} 份内容有变化、{len(changes['new'])} 份是新的"
                       f"（{listed(differ)}），需要发出；其余 " + "，".join(rest) + "。")
        elif changes["moved"]:
            _say(args, "与上次生成的相比：" + "，".join(rest) + "。")
        elif changes["answered"] or changes["renamed"]:
            _say(args, "没有需要发出的表单：" + "，".join(rest) + "。")
        else:
            _say(args, f"{same} 份表单都与上次生成的相同（已发出的不必重发）。")
    if changes.get("kept"):
        where = cfg.outbox / "已改动的表单"
        _say(args, f"{len(changes['kept'])} 份表单在上次生成后被改动过（可能已在原处填写），没有覆盖或删除，已移到 {where}："
                   + "、".join(_shown(p.relative_to(where).as_posix()) for p in changes["kept"][:10])
                   + ("等" if len(changes["kept"]) > 10 else "") + "。")
    if removed:
        shown = "、".join(_shown(p.relative_to(root).as_posix()) for p in removed[:5]) + ("等" if len(removed) > 5 else "")
        _say(args, f"删除了 {len(removed)} 份上次生成、现已不再适用的表单（部门或人员已删除、调动或改名，部门有了人员名单，"
                   "或是上一轮活动的表单）："
                   f"{shown}。")
    if args.stage == "risks" and (heads := _heads_not_listed(cfg, args.department)):
        # a 中层干部 owes a 附件3 of his own; nobody noticed his was never made (his colleague's was used, returned)
        _say(args, f"{len(heads)} 个部门的负责人不在本部门的人员名单中，没有为他们生成附件3：" + "、".join(heads[:10])
                   + ("等" if len(heads) > 10 else "") + "；如负责人也要填写个人岗位风险点自查表，请把他们加入名册的人员名单后再运行一次。")
    if accepted is not None:
        _say(args, f"其中预填了 {sum(prefilled)} 条已接收的风险点。")
        if unanswered:
            _say(args, f"{len(unanswered)} 人还没有已接收的风险点（附件3 未报、被退回或待改正），他们的附件5 是空白表："
                       + "、".join(unanswered[:10]) + ("等" if len(unanswered) > 10 else "")
                       + "；附件3 接收后再运行一次即可预填。")
        if blank:
            _say(args, f"{len(blank)} 个部门还没有已接收的部门风险点（附件4 未报、被退回或待改正），它们的附件6 是空白表："
                       + "、".join(blank[:10]) + ("等" if len(blank) > 10 else "") + "；附件4 接收后再运行一次即可预填。")
    if (changes.get("same") or changes.get("answered") or changes.get("renamed")) and not changes.get("changed") \
            and not changes.get("new") and not changes.get("moved"):
        # (generated again with nothing new to send: "send the forms in templates/" contradicted the line above)
        _say(args, "下一步：没有需要发出的表单；收回的文件原样放进 inbox/，然后运行 formkit merge。")
    else:
        _say(args, "下一步：把 outbox/templates/ 中各部门文件夹里的表单发给各部门（个人表发给本人）；收回的文件原样放进 inbox/，"
                   "然后运行 formkit merge。")
    return 0


def _heads_not_listed(cfg, chosen: list[str] | None) -> list[str]:
    """"部门 负责人" of the departments with a staff list that does not name their head (those generated)."""
    from formkit import normalize

    roster = cfg.roster
    picked = {c.upper() for c in chosen or []}
    out = []
    for code, dept in roster.departments.items():
        if picked and code.upper() not in picked and dept.name not in (chosen or []):
            continue
        listed = {normalize.name_key(p.name) for p in roster.people_of(code)}
        # (two heads 李明、张三; a title after the name 王芳（处长）: each name as written, or without the title)
        heads = [h for h in re.split(r"[、，,；;/／\s]+", dept.head or "") if h]
        missing = [h for h in heads if normalize.name_key(h) not in listed
                   and normalize.name_key(re.sub(r"[（(][^（）()]*[）)]$", "", h)) not in listed]
        if listed and missing:
            out.append(f"{dept.name} {'、'.join(missing)}")
    return out


def _shown(text: str) -> str:
    """Text for the terminal: a line break, a tab (a cell typed with Alt+Enter) or a full-width space is a space; any
    other control character (an escape sequence in a file name that would clear the screen or colour it) is ?. A name
    the disk holds in GBK (copied from a Windows USB stick) as merge shows it (it printed ????3_?¾?.xlsx)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        from formkit.intake import readable_name

        text = readable_name(text)
    return "".join(ch if ch.isprintable() else " " if ch in "\n\t\u3000" else "?" for ch in text)


def _short_path(path: str, limit: int = 70) -> str:
    """A path in inbox/ for a line of the screen: over `limit` characters, the folders of each part given as …/, the
    names of the file and of the archive or mail it came in kept whole (cut at a fixed place, "信息工程系廉政风…!…"
    lost the .zip of the archive it names)."""
    if len(path) <= limit:
        return path
    parts = path.split("!")
    short = "!".join(p if "/" not in p else "…/" + p.rsplit("/", 1)[-1] for p in parts)
    return ("inbox/" + short) if path.startswith("inbox/") and not short.startswith("inbox/") else short


def _problems(a, limit: int | None = 12) -> None:
    """The files returned or not readable, each with its first error (`limit` of them: all with --quiet, where the
    list is all that is printed)."""
    from formkit import findings as F
    from formkit.inputs import STATUS_ZH
    from formkit.submissions import waits_for_risks

    problems = [r for r in a.inputs if r.status in ("returned", "rejected") and not waits_for_risks(r)]
    waiting = sum(map(waits_for_risks, a.inputs))
    if problems:
        print(f"需要处理的文件 {len(problems)} 份：")
        for r in problems[:limit]:
            first = next((f for f in r.findings if f.severity == F.ERROR), r.findings[0] if r.findings else None)
            where = f"{first.sheet}!{first.cell} " if first and first.cell else ""
            errors = sum(1 for f in r.findings if f.severity == F.ERROR)
            more = f"（共 {errors} 处错误）" if errors > 1 else ""     # (one problem or twenty: the screen did not say)
            # a path deep in inbox/ shortened (_short_path): its file name and the error stay on the line (cut at its
            # end, two files printed the same line and no error)
            path = _short_path(r.path)
            line = f"  [{STATUS_ZH[r.status]}] {path}：{more}{where}{first.message if first else ''}"
            print(_shown(line if len(line) <= 200 else line[:199] + "…"))
        if limit is not None and len(problems) > limit:
            print(f"  …… 其余 {len(problems) - limit} 份见 问题清单")
        earlier = sorted({f.value for r in problems for f in r.findings if f.code == F.IDENTITY_CAMPAIGN and f.value})
        if earlier:
            # (a new round begun in last round's folder, its inbox/ left as it was: each old form a reply to send)
            n = sum(1 for r in problems if any(f.code == F.IDENTITY_CAMPAIGN for f in r.findings))
            print(f"其中 {n} 份是其他活动（{'、'.join(earlier[:3])}）的表单，没有汇总；如果是上一轮留在 inbox/ 中的文件，请把它们移出"
                  " inbox/（例如移到另建的文件夹中）后重新运行 merge，它们的回复邮件草稿不要发出。")
    if waiting and limit is not None:   # (not with --quiet: nothing to deal with; it was listed among the files to
        # deal with, "本表不需要修改", counted as returned for correction)
        print(f"另有 {waiting} 份措施表已收到，等本人（本部门）的风险点表接收后自动汇总，不需要处理，也不必重发。")


def _summary(args, result) -> None:
    from formkit import findings as F
    from formkit.inputs import STATUS_ZH
    from formkit.submissions import owing as owing_departments

    a = result.analysis
    if args.quiet:      # (only errors, as --help says: the files returned or unreadable; it printed nothing)
        _problems(a, None)
        return
    from formkit.submissions import waits_for_risks

    counts: dict[str, int] = {}
    for r in a.inputs:      # (a measure form that waits for its risk form: not 退回修改, nothing in it to correct)
        status = "待风险点表" if waits_for_risks(r) else STATUS_ZH[r.status]
        counts[status] = counts.get(status, 0) + 1
    order = [*STATUS_ZH.values(), "待风险点表"]
    print("—— 汇总完成 ——")
    print(f"收到文件 {len(a.inputs)} 份" + ("：" if counts else "")
          + "，".join(f"{s} {counts[s]}" for s in sorted(counts, key=order.index))
          + (f"；跳过 {len(a.skipped)} 个文件（{_skipped_said(a.skipped)}，见汇总工作簿的“说明”工作表）" if a.skipped else ""))
    levels = {lv: sum(1 for r in a.catalogue if r["风险等级"] == lv) for lv in ("一级", "二级", "三级")}
    # (an item exercised at several posts is a row per post: counted once)
    items = len({(p["部门"], p["权力事项"]) for p in a.powers})
    print(f"风险目录 {len(a.catalogue)} 条（一级 {levels['一级']}，二级 {levels['二级']}，三级 {levels['三级']}），"
          f"已有防控措施 {sum(1 for r in a.catalogue if r['防控措施'])} 条；权力清单 {items} 项"
          + (f"（{len(a.powers)} 行：同一事项在几个岗位行使的各占一行）" if items != len(a.powers) else ""))
    _problems(a)
    owing = owing_departments(a)
    if owing:
        print(f"尚有 {len(owing)} 个部门未交齐：" + "、".join(d.name for d in owing[:8]) + ("等" if len(owing) > 8 else ""))
    from formkit.submissions import grid

    if lacking := sum(len(d.forms["附件6"].pending) + len(d.personal["附件5"].pending) for d in grid(a)):
        # (the chase asks for them "on the regenerated measure form", which nobody was told to make)
        print(f"有 {lacking} 条风险点是在措施表接收之后才登记的，还没有防控措施：发出催报前请先运行 formkit generate --stage measures，"
              "重新生成的措施表中已填好已接收的措施，只需补填这几条。")
    out = result.outputs
    from formkit.write.feedback import CHASE_DIR, needs_feedback

    drafts = out.get("mail_drafts", [])
    chase = sum(1 for p in drafts if f"/{CHASE_DIR}/" in p)
    replies = [r for r in a.inputs if needs_feedback(r)]

    held = sum(map(waits_for_risks, replies))       # (their reply: nothing to correct, not to send again)
    resend = sum(1 for r in replies if r.status in ("returned", "rejected")) - held
    # (one reply answers every file of one mail: drafts are counted as written, the files they answer beside)
    answered = (f"（涉及 {len(replies)} 个文件：{resend} 个要求改正后重报，{len(replies) - resend - held} 个只请核实"
                + (f"，{held} 个措施表等风险点表接收后自动汇总" if held else "") + "）") if replies else ""
    print(f"反馈文件 {len(out.get('feedback', []))} 份（outbox/反馈/）；邮件草稿 {len(drafts)} 份：回复 {len(drafts) - chase} 份"
          f"{answered}，催报 {chase} 份（outbox/{CHASE_DIR}/）")
    print(f"汇总工作簿：{(a.cfg.root / out['workbook']).resolve()}")
    stale = [r for r in a.inputs if r.status in ("returned", "rejected")
             and any(f.code == F.IDENTITY_CAMPAIGN for f in r.findings)]
    start = min((p.start for p in a.cfg.phases.values()), default=None)
    # (one mailed during this round is no file left from the last: its reply, "use this round's form", is to send)
    left = [r for r in stale if not (start and ((r.raw.mail or {}).get("date") or "")[:10] >= start.isoformat())]
    if left and all(r in left for r in a.inputs if r.status in ("returned", "rejected")):
        # (last round's files left in inbox/: said above not to send their drafts; "send the drafts" contradicted it)
        print("下一步：先把上一轮留在 inbox/ 中的文件移出 inbox/，再运行 formkit merge；在此之前不要发出 outbox/反馈/ 中的邮件草稿。")
    elif stale:     # (one of last year's forms mailed by mistake beside this round's: its reply is the sender's)
        print(f"下一步：如果其他活动的 {len(stale)} 份文件是上一轮留在 inbox/ 中的，先把它们移出 inbox/（它们的回复草稿不要发出）；"
              f"其余邮件草稿（outbox/反馈/、outbox/{CHASE_DIR}/）核对后发出；收到改正或补报的文件后放进 inbox/，再运行 formkit merge。")
    elif replies or chase:        # what to do next
        print(f"下一步：打开 outbox/反馈/ 和 outbox/{CHASE_DIR}/ 中的邮件草稿（.eml）核对后发出；收到改正或补报的文件后放进 inbox/，"
              "再运行 formkit merge。")


def _after_as_of(cfg, analysis) -> str | None:
    """formkit.toml's as_of left behind by the inputs (the example's date kept): what is said about it, else None. The
    outputs speak of that day: replies dated before the mails they answer, asking for corrections by a day gone."""
    from datetime import datetime

    from formkit.inputs import CHINA

    if not getattr(cfg, "as_of", None):
        return None
    later = sorted(d for r in analysis.inputs if r.submitted_at
                   and (d := datetime.fromisoformat(r.submitted_at).astimezone(CHINA).date()) > cfg.as_of)
    if not later:
        return None
    return (f"formkit.toml 中 [campaign] as_of = {cfg.as_of}（数据截至），但有 {len(later)} 份文件在此之后提交（最晚 {later[-1]}）："
            f"逾期、催报和回复邮件的日期都按 {cfg.as_of} 计算。如这个日期已过时，请修改或删去 as_of（删去后按最近一份提交的日期）。")


def cmd_merge(args) -> int:
    from formkit.config import load_config
    from formkit.merge import merge
    from formkit.progress import Progress

    cfg = load_config(args.dir)
    _warn(cfg, args)
    if not cfg.inbox.is_dir():
        if cfg.inbox.exists():
            raise FormkitError(f"{cfg.inbox} 是一个文件，不是文件夹；请把它改名或移走，建一个名为 inbox 的文件夹，"
                               "把收到的文件放进去后再运行。")
        raise FormkitError(f"找不到收件目录 {cfg.inbox}；请把收到的文件放进 inbox/ 后再运行。")
    if args.compare is not None:
        from formkit.changes import check_baseline

        if not args.compare.is_absolute() and not args.compare.exists() and (args.dir / args.compare).exists():
            args.compare = args.dir / args.compare      # outbox/历史/… as the working folder has it (with --dir)
        check_baseline(args.compare)
    progress = Progress(enabled=False if args.quiet else None)
    timings = _timings()
    result = merge(cfg, compare_with=args.compare, progress=progress, timings=timings)
    progress.close()
    if not args.quiet:
        for note in result.notes:       # the cache damaged or not writable: the numbers may have moved
            print(f"提醒：{note}", file=sys.stderr)
        if (stale := _after_as_of(cfg, result.analysis)) is not None:
            print(f"提醒：{stale}", file=sys.stderr)
        from formkit.submissions import issue_record_lost

        if (lost := issue_record_lost(result.analysis)) is not None:
            print(f"提醒：{lost}", file=sys.stderr)
    _summary(args, result)
    _print_timings(timings)
    return result.exit_code


def _timings() -> dict | None:
    """FORMKIT_TIMINGS=1: merge prints the seconds each stage took, and its peak memory, to stderr as one
    JSON line (bench/bench.py reads it)."""
    import os
    import time

    return {"_start": time.perf_counter()} if os.environ.get("FORMKIT_TIMINGS") else None


def _print_timings(timings: dict | None) -> None:
    if timings is None:
        return
    import json
    import resource
    import time

    timings["total"] = time.perf_counter() - timings.pop("_start")
    timings["rss_self"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024          # bytes (Linux: KiB)
    timings["rss_workers"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print("FORMKIT_TIMINGS " + json.dumps({k: round(v, 4) if isinstance(v, float) else v
                                           for k, v in timings.items()}), file=sys.stderr)


def cmd_check(args) -> int:
    """Each file alone (the file rules); in a working folder with an inbox, judged as merge would judge it were it put
    into the inbox: with the inbox's forms (the campaign rules: 附件4's 权力事项 against the department's 附件2, 附件5/6's
    rows against the risks accepted so far) and their versions (a draft older than the form already in, a blank form
    sent again, a feedback workbook sent back unchanged: set aside, as merge sets them aside). A file that cannot be
    found is reported and counts as an error."""
    from collections import Counter

    from formkit import findings as F
    from formkit.config import CONFIG_NAME, load_config, standalone_config
    from formkit.errors import FormkitError
    from formkit.inputs import ACCEPTED, REJECTED, RETURNED, STATUS_ZH
    from formkit.intake import expand_file
    from formkit.pipeline import analyse

    if not args.dir.is_dir():
        raise FormkitError(f"找不到工作文件夹“{args.dir}”；请检查 --dir 后面的路径。", exit_code=2)
    in_campaign = (args.dir / CONFIG_NAME).is_file()
    inbox_dir = (args.dir / "inbox").resolve() if in_campaign else None
    # a link inside inbox/, as merge sees it: skipped there (inbox/ holds what was received, not pointers elsewhere)
    links = [p for p in args.files if p.is_symlink() and inbox_dir is not None
             and os.path.abspath(p).startswith(str(inbox_dir) + os.sep)]
    missing = [p for p in args.files if not p.is_file() and p not in links]
    for path in missing:
        if path.is_dir():
            print(f"{_shown(str(path))}：是文件夹，不是文件；请列出其中要检查的文件（如 {_shown(str(path / '*.xlsx'))}），"
                  f"或把整个文件夹放进 inbox/ 后运行 merge（错误 1）")
        elif path.exists():
            print(f"{_shown(str(path))}：不是普通文件（管道、设备等），merge 也会跳过它；请检查 Excel 文件本身（错误 1）")
        else:
            print(f"{_shown(str(path))}：找不到文件（错误 1）")
    for path in links:
        print(f"{_shown(str(path))}：跳过（inbox/ 中的快捷方式（符号链接），merge 不读取它；请把文件本身放进 inbox/）")
    files = list(dict.fromkeys(p for p in args.files if p.is_file() and p not in links))   # (named twice: once)
    cfg = load_config(args.dir) if in_campaign else standalone_config(args.dir)
    _warn(cfg, args)
    raws, skipped, order = [], [], {}
    for i, path in enumerate(files):
        # each shown as it was named on the command line (three departments' 附件4.xlsx are told apart), in that order
        shown = path.as_posix()
        r, s = expand_file(path, path.parent)
        for raw in r:
            raw.path = shown + raw.path[len(path.name):]
            order[raw.path] = i
        raws += r
        skipped += s
    mine = set(order)
    if in_campaign and cfg.inbox.is_dir() and files:
        from formkit.cache import FILE_NAME, MemoryStore, open_store
        from formkit.intake import walk_inbox
        from formkit.progress import Progress

        resolved = {p.resolve() for p in files}
        inbox, _ = walk_inbox(cfg.root, cfg.inbox, lazy=True)
        others = [r for r in inbox if Path(r.source or r.origin or cfg.root / r.disk).resolve() not in resolved]
        progress = Progress(enabled=False if args.quiet else None)
        # merge's cache when there is one and it can be used (check itself writes no outputs: it does not start
        # one, and a read-only outbox/ is no reason not to check)
        cache = cfg.outbox / FILE_NAME
        store = MemoryStore()
        if cache.is_file() and os.access(cache, os.W_OK) and os.access(cfg.outbox, os.W_OK):
            try:
                store = open_store(cfg.outbox, cfg)
            except Exception:  # noqa: BLE001 - a cache that cannot be opened is only slower to do without
                store = MemoryStore()
        a = analyse(cfg, progress=progress, raws=others + raws, skipped=skipped, store=store)
        progress.close()
        _say(args, f"对照收件箱（{cfg.inbox.name}/）中的 {len(others)} 份文件核对，如同把这些文件放进收件箱后运行 merge"
                   "（同一表单的新旧版本、措施表对应已接收的风险点、附件4 对应附件2）")
    else:
        a = analyse(cfg, raws=raws, skipped=skipped, campaign_rules=False)
        if files:
            _say(args, "（不在工作文件夹中，或工作文件夹没有 inbox/：只检查文件本身，没有对照名册核对部门和人员，也没有对照收件箱"
                       "核对风险编号、权力事项和新旧版本）")
    errors = len(missing)
    tally: Counter = Counter()
    shown_inputs = sorted((r for r in a.inputs if r.path in mine or r.path.split("!", 1)[0] in mine),
                          key=lambda r: (order.get(r.path, order.get(r.path.split("!", 1)[0], 0)), r.path))
    for res in shown_inputs:
        judged = res
        if res.status == "duplicate" and res.same_as is not None:
            # the same bytes as a file in the inbox: what that one was found to be (a copy of a returned form said
            # "错误 0" and exit 0, its errors unshown; the verdict turned with the cache)
            judged = res.same_as
        unchanged = next((f.value for f in res.findings if f.code == F.FEEDBACK_UNCHANGED), None) \
            if res.status == "superseded" else None
        if unchanged:
            # a feedback workbook checked before it was corrected: what the form it corrects was found to be (it said
            # "已被替代，错误 0" and exit 0 to someone checking the errors were fixed)
            judged = next((r for r in a.inputs if r.path == unchanged), res)
        counted = judged.status in (ACCEPTED, RETURNED, REJECTED)       # what merge would take, or cannot read
        n_err = judged.count(F.ERROR) if counted else 0
        errors += n_err
        label = ("无法读取" if judged.status == REJECTED else "有错误" if n_err else "通过")   # (merge's word for it)
        if judged.status == "superseded":
            label = f"{STATUS_ZH[judged.status]}，不会汇总"
        if judged is not res:
            label = (f"是“{_shown(judged.path)}”的反馈工作簿，还没有修改（那份{STATUS_ZH[judged.status]}），" if unchanged
                     else f"与“{_shown(judged.path)}”内容相同（{STATUS_ZH[judged.status]}），") + \
                ("不会汇总" if judged.status == "superseded" else label)
        tally[label.split("，")[0] if judged is res else "与收件箱中的文件相同"] += 1
        if args.quiet and not n_err and judged.status != REJECTED:
            continue
        print(f"{_shown(res.path)}：{judged.form or '未识别'}，{label}（错误 {judged.count(F.ERROR)}，"
              f"提醒 {judged.count(F.WARNING)}）")
        for f in judged.findings:
            if (f.severity != F.ERROR and args.quiet) or f.code == F.ROW_NOT_MERGED:   # check merges nothing
                continue
            where = f"{f.sheet}!{f.cell}" if f.cell else (f.sheet or "整个文件")
            print(f"  {F.SEVERITY_ZH[f.severity]} {_shown(where)} [{f.code}] {_shown(f.message)}")
    for item in skipped:        # a lock file, an empty zip: said, not passed over in silence (it read as 通过)
        if not args.quiet:
            print(f"{_shown(item.path)}：跳过（{_shown(item.reason)}）")
    if len(shown_inputs) + len(missing) > 1 and not args.quiet:
        # (a hundred files checked: how many failed was for the reader to count)
        said = [f"{k} {n}" for k, n in tally.items() if n] + ([f"找不到 {len(missing)}"] if missing else []) \
            + ([f"跳过 {len(skipped)}"] if skipped else [])
        print(f"—— 共检查 {len(shown_inputs) + len(missing)} 份：" + "，".join(said) + " ——")
    return 1 if errors or any(r.status == REJECTED or r.status == "duplicate" and r.same_as is not None
                              and r.same_as.status == REJECTED for r in shown_inputs) else 0


def _not_a_campaign(target: Path) -> None:
    """demo writes its own formkit.toml, roster and inbox/: never over a real campaign's folder (it replaced the
    office's configuration and roster and put 70 demo files among the real returns), nor into a folder of other
    files; a demo folder (the repository's own, an earlier demo) is built again."""
    import tomllib

    from formkit.demo import INSTITUTION
    from formkit.errors import FormkitError

    config = target / "formkit.toml"
    if config.is_file():
        try:
            name = tomllib.loads(config.read_text(encoding="utf-8-sig")).get("institution", {}).get("name")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
            name = None
        if name != INSTITUTION:
            raise FormkitError(f"{target} 中已有活动配置 formkit.toml（单位：{name or '无法读取'}），不是演示活动；demo 不会覆盖它。"
                               "请换一个目录运行，如 formkit demo 演示活动。", exit_code=2)
    elif target.is_dir() and any(p.name not in (".DS_Store",) for p in target.iterdir()):
        raise FormkitError(f"{target} 不是空目录；demo 只在新目录或空目录中生成演示活动，不会往已有文件的目录里写。"
                           "请换一个目录运行，如 formkit demo 演示活动。", exit_code=2)


def cmd_demo(args) -> int:
    from formkit.config import load_config
    from formkit.demo import build_demo
    from formkit.merge import merge
    from formkit.progress import Progress

    target = args.dir / args.target if args.target is not None else None     # a relative 目录 is under --dir
    if target is None:
        target, n = args.dir / "formkit-demo", 2
        while target.exists():
            target, n = args.dir / f"formkit-demo-{n}", n + 1
    _not_a_campaign(target)
    build_demo(target)
    print(f"演示活动已生成：{target.resolve()}")        # also with --quiet: where it went
    cfg = load_config(target)
    progress = Progress(enabled=False if args.quiet else None)
    result = merge(cfg, progress=progress)
    progress.close()
    _summary(args, result)
    return 0


COMMANDS = {"init": cmd_init, "generate": cmd_generate, "merge": cmd_merge, "check": cmd_check, "demo": cmd_demo}
