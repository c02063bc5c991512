"""One input of the analysis (a file, an archive member, a mail attachment) and what became of it: its status,
findings and, when readable, what reading it said (`Brief`) and its checked submission (kept in the store)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, timezone

from formkit import findings as F
from formkit.cache import Refs, Store
from formkit.intake import RawInput
from formkit.validate import Checked

CHINA = timezone(timedelta(hours=8))   # submission times are shown in 北京时间
ACCEPTED, RETURNED, SUPERSEDED, DUPLICATE, REJECTED = "accepted", "returned", "superseded", "duplicate", "rejected"
STATUS_ZH = {ACCEPTED: "已接收", RETURNED: "退回修改", SUPERSEDED: "已被替代", DUPLICATE: "重复", REJECTED: "无法读取"}


@dataclass(slots=True)
class Brief:
    """What the analysis needs of a readable input without loading its rows."""
    form: str
    key: tuple
    department: str | None          # roster code
    person: str | None              # 姓名, personal forms only
    filled: date | None             # 填表日期
    corrects: str                   # identity.corrects: the submission a feedback-made file corrects
    kind: str
    has_macros: bool
    findings: list[F.Finding]       # the file's own findings (file rules)
    sheets: tuple[str, ...] = ()    # other sheets holding a filled form, each read as an input of its own
    sheet: str = ""                 # the form's own sheet, when the file holds other forms too


class InputResult:
    """One input of the analysis: its status, findings and, when readable, its checked submission.

    `checked` is loaded from the analysis's store when asked for (and a few are kept decoded); its
    `findings` is this input's `findings` list, so what campaign rules add shows in both.
    """

    __slots__ = ("raw", "sha256", "status", "findings", "superseded_by", "duplicate_of", "submitted_at",
                 "order_basis", "time_basis", "brief", "same_as", "copies", "redated", "filled_late", "credited",
                 "warned_before", "_outcome", "_store", "_refs")

    def __init__(self, raw: RawInput, sha256: str = "", status: str = REJECTED) -> None:
        self.raw = raw
        self.sha256 = sha256
        self.status = status
        self.findings: list[F.Finding] = []
        self.superseded_by: str | None = None
        self.duplicate_of: str | None = None
        self.submitted_at: str | None = None     # ISO time of submission, from the inputs only
        self.order_basis = ""                    # which clue decided "later": 邮件日期 / 填表日期 / 文件修改时间 / 文件名顺序
        self.time_basis = ""                     # where submitted_at comes from: 邮件日期 / 填表日期 / 文件修改时间
        self.brief: Brief | None = None          # set when the input was read as a form (not a duplicate)
        self.same_as: InputResult | None = None  # a duplicate: the input whose bytes it repeats
        self.copies: tuple[InputResult, ...] = ()  # … and of the input they repeat, its duplicates (when each came)
        self.redated = False                     # a corrected feedback workbook whose 填表日期 was changed in it
        self.filled_late = ""                    # its 填表日期 is after the mail or save that carried it: when that was
        self.credited: str | None = None         # the department it is put to, when not the form's (one that sent
                                                 # another department's form as its own: department-sender-aside)
        self.warned_before = False               # accepted with warnings the version it replaced was told of already
        self._outcome: tuple | None = None       # what reading it gave: ("ok", Brief) / ("intake"|"read", Finding) …
        self._store: Store | None = None
        self._refs: Refs | None = None

    @property
    def checked(self) -> Checked | None:
        if self.brief is None or self._store is None or self._refs is None:
            return None
        c = self._store.load_checked(self.sha256, self._refs)
        if c is not None:
            c.findings = self.findings
        return c

    @property
    def path(self) -> str:
        return self.raw.path

    @property
    def file_sha256(self) -> str:
        """The SHA-256 of the file's bytes (`sha256` of a form read from another sheet of a workbook keys that sheet)."""
        return self.raw.file_sha or self.sha256

    @property
    def file_name(self) -> str:
        """The name of the file as its sender named it (附件4_教务处.xlsx of inbox/教务处.eml!附件4_教务处.xlsx)."""
        return self.raw.file_path.rsplit("!", 1)[-1].rsplit("/", 1)[-1]

    @property
    def _said(self) -> Brief | None:
        """What reading said of this input (of the input it repeats, for a duplicate: report.json names the
        form, department and person of every input it can)."""
        return self.brief or (self.same_as.brief if self.same_as is not None else None)

    @property
    def form(self) -> str | None:
        return self._said.form if self._said else None

    @property
    def department(self) -> str | None:
        if self.credited:
            return self.credited
        return self._said.department if self._said else None

    @property
    def person(self) -> str | None:
        return self._said.person if self._said else None

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def __repr__(self) -> str:
        return f"InputResult({self.path!r}, {self.status}, form={self.form!r}, findings={len(self.findings)})"
