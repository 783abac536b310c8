"""A whole analysis in one ``.skucast`` file: data, settings, trained model and results.

A project file is a zip archive (no pickle anywhere)::

    manifest.json        format marker, schema_version, app version, saved time
    settings.json        import, cleaning, training and inventory settings
    data/<file name>     the sales file exactly as imported (re-imported on open)
    plan/<file name>     the planned promotions and prices file as loaded, when there is one
    model/...            the fitted forecaster (see core.forecast.models.store), when it can be saved
    results/<name>.csv   result tables (forecast, stages, recommendations, ...); a forecast
                         saved before it had a ``median`` column gets its ``forecast`` as
                         the median on opening (what that column then held)
    results/meta.json    result texts (backtest verdicts, notes)

The archive is written to a temporary file next to the target and renamed into place,
so an interrupted save never damages the previous file. Opening checks the marker, the
schema version and every member name before reading anything, and reports a damaged
or foreign file in both languages. The user's own sales file is only ever read.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd

from core import __version__
from core.analysis.plan_file import plan_name, read_plan
from core.data import CleaningOptions, ImportOptions, clean, load_dataset
from core.errors import CancelledError, InputError
from core.forecast import TrainSettings, load_forecaster, save_forecaster, with_median
from core.recommend import InventoryOptions

__all__ = [
    "PROJECT_SUFFIX",
    "OpenedProject",
    "Project",
    "open_analysis",
    "save_project",
    "load_project",
]

PROJECT_SUFFIX = ".skucast"
FORMAT = "skucast-project"
SCHEMA_VERSION = 1
#: Largest member SkuCast will read back (a guard against zip bombs).
_MAX_MEMBER = 2 * 1024**3


@dataclass
class Project:
    """Everything an analysis needs to be reopened (see module doc).

    Attributes
    ----------
    source_name : str
        File name of the imported sales file.
    source_bytes : bytes
        Its content as imported.
    import_options, cleaning_options, train_settings, inventory_options
        The settings in force.
    model : Forecaster, optional
        The fitted model.
    results : dict of str to DataFrame
        Result tables by name.
    meta : dict
        JSON-ready texts that go with the results (verdicts, notes).
    plan_name : str
        File name of the planned promotions and prices file (``""``: none).
    plan_bytes : bytes
        Its content as loaded (read again on open, like the sales file).
    source_path : str
        Where the sales file is, when it was too big to embed (``source_bytes`` empty):
        the project links to it and reads it from there on open.
    """

    source_name: str = ""
    source_bytes: bytes = b""
    import_options: ImportOptions = field(default_factory=ImportOptions)
    cleaning_options: CleaningOptions = field(default_factory=CleaningOptions)
    train_settings: TrainSettings = field(default_factory=TrainSettings)
    inventory_options: InventoryOptions = field(default_factory=InventoryOptions)
    model: object | None = None
    results: dict[str, pd.DataFrame] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    plan_name: str = ""
    plan_bytes: bytes = b""
    source_path: str = ""

    def source_file(self, folder: str | os.PathLike) -> Path:
        """Write the embedded sales file into ``folder``; returns its path.

        A sales file too big to embed (read part by part) is linked: its own path.
        """
        if not self.source_bytes and self.source_path:
            return Path(self.source_path)
        path = Path(folder) / (Path(self.source_name).name or "data.csv")
        path.write_bytes(self.source_bytes)
        return path


def _settings(project: Project) -> dict:
    return {
        "import_options": project.import_options.to_dict(),
        "cleaning_options": project.cleaning_options.to_dict(),
        "train_settings": project.train_settings.to_dict(),
        "inventory_options": asdict(project.inventory_options),
    }


def save_project(project: Project, path: str | os.PathLike) -> tuple[Path, list[str]]:
    """Write ``project`` to ``path`` atomically.

    Returns
    -------
    (Path, list of str)
        The file written and notes (English) on what could not be included.

    Raises
    ------
    InputError
        When the file cannot be written.
    """
    target = Path(path)
    if target.suffix.lower() != PROJECT_SUFFIX:
        target = target.with_name(target.name + PROJECT_SUFFIX)
    notes: list[str] = []
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".tmp", dir=target.parent)
        os.close(fd)
        try:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
                _write_members(zf, project, notes)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            _replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        raise InputError(
            f"Cannot save the project to {target}: {exc.strerror or exc}.",
            f"无法将项目保存到 {target}：{exc.strerror or exc}。",
        ) from exc
    return target, notes


def _replace(tmp: str, target: Path, tries: int = 5) -> None:
    """``os.replace`` with a few retries (antivirus and sync tools hold files briefly)."""
    for attempt in range(tries):
        try:
            os.replace(tmp, target)
            return
        except PermissionError:
            if attempt == tries - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def _write_members(zf: zipfile.ZipFile, project: Project, notes: list[str]) -> None:
    manifest = {"format": FORMAT, "schema_version": SCHEMA_VERSION, "app_version": __version__,
                "saved_at": pd.Timestamp.now().isoformat(timespec="seconds"),
                "source_name": Path(project.source_name).name}  # fmt: skip
    if not project.source_bytes and project.source_path:
        manifest["source_path"] = str(Path(project.source_path).resolve())
    zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    zf.writestr("settings.json", json.dumps(_settings(project), ensure_ascii=False, indent=1))
    if project.source_bytes:
        zf.writestr(f"data/{manifest['source_name'] or 'data.csv'}", project.source_bytes)
    if project.plan_bytes:
        zf.writestr(f"plan/{plan_name(project.plan_name)}", project.plan_bytes)
    kinds = {}
    for name, table in project.results.items():
        if isinstance(table, pd.DataFrame):
            zf.writestr(f"results/{name}.csv", table.to_csv(index=False, float_format="%.17g"))
            kinds[name] = {str(c): _kind(table[c]) for c in table.columns}
    zf.writestr("results/columns.json", json.dumps(kinds, ensure_ascii=False, indent=1))
    zf.writestr("results/meta.json", json.dumps(project.meta, ensure_ascii=False, indent=1))
    if project.model is not None:
        _write_model(zf, project.model, notes)


def _write_model(zf: zipfile.ZipFile, model, notes: list[str]) -> None:
    packed = getattr(model, "stored_files", None)  # a core.analysis.jobs.PackedModel
    files = packed() if callable(packed) else None
    if files:
        for name, data in sorted(files.items()):
            zf.writestr(f"model/{name}", data)
        return
    work = Path(tempfile.mkdtemp(prefix="skucast-model-"))
    try:
        folder = save_forecaster(model, work / "model")
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                zf.write(file, f"model/{file.relative_to(folder).as_posix()}")
    except InputError as exc:
        notes.append(f"The trained model was not saved: {exc.en}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _foreign(path: Path, why: str, why_zh: str) -> InputError:
    return InputError(
        f"{path.name} is not a SkuCast project or is damaged: {why}.",
        f"{path.name} 不是 SkuCast 项目文件或已损坏：{why_zh}。",
    )


def load_project(path: str | os.PathLike) -> Project:
    """Read a project written by :func:`save_project`.

    Raises
    ------
    InputError
        For a missing, foreign, damaged or newer file; nothing else is touched.
    """
    source = Path(path)
    if not source.is_file():
        raise InputError(f"Project file not found: {source}", f"找不到项目文件：{source}")
    try:
        with zipfile.ZipFile(source) as zf:
            return _read_members(zf, source)
    except zipfile.BadZipFile as exc:
        raise _foreign(source, "not a zip archive", "不是 zip 压缩包") from exc
    except (KeyError, ValueError, TypeError, OSError, zipfile.LargeZipFile) as exc:
        raise _foreign(
            source, f"{type(exc).__name__}: {exc}", f"{type(exc).__name__}：{exc}"
        ) from exc


def _check_names(zf: zipfile.ZipFile, source: Path) -> None:
    for info in zf.infolist():
        name = PurePosixPath(info.filename)
        if name.is_absolute() or ".." in name.parts or "\\" in info.filename:
            raise _foreign(source, f"unsafe member name {info.filename!r}",
                           f"不安全的成员名 {info.filename!r}")  # fmt: skip
        if info.file_size > _MAX_MEMBER:
            raise _foreign(source, f"member {info.filename} is too large",
                           f"成员 {info.filename} 过大")  # fmt: skip


def _read_manifest(zf: zipfile.ZipFile, source: Path) -> dict:
    if "manifest.json" not in zf.namelist():
        raise _foreign(source, "no manifest.json", "缺少 manifest.json")
    manifest = json.loads(zf.read("manifest.json").decode("utf-8"))
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _foreign(source, "unknown format marker", "格式标记不符")
    version = manifest.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise InputError(
            f"{source.name} was saved by a newer SkuCast (project version {version}); "
            "update SkuCast to open it.",
            f"{source.name} 由更新版本的 SkuCast 保存（项目版本 {version}），请升级后再打开。",
        )
    return manifest


def _read_members(zf: zipfile.ZipFile, source: Path) -> Project:
    _check_names(zf, source)
    manifest = _read_manifest(zf, source)
    settings = json.loads(zf.read("settings.json").decode("utf-8"))
    name = manifest.get("source_name") or "data.csv"
    data_name = f"data/{name}"
    project = Project(
        source_name=name,
        source_bytes=zf.read(data_name) if data_name in zf.namelist() else b"",
        source_path=str(manifest.get("source_path") or ""),
        import_options=ImportOptions.from_dict(settings.get("import_options", {})),
        cleaning_options=CleaningOptions.from_dict(settings.get("cleaning_options", {})),
        train_settings=TrainSettings.from_dict(settings.get("train_settings", {})),
        inventory_options=_inventory(settings.get("inventory_options", {})),
    )
    names = zf.namelist()
    kinds = json.loads(zf.read("results/columns.json")) if "results/columns.json" in names else {}
    for member in names:
        if member.startswith("results/") and member.endswith(".csv"):
            table = member[8:-4]
            project.results[table] = _read_table(zf.read(member), kinds.get(table, {}))
    if "forecast" in project.results:  # saved before the median had a column of its own
        project.results["forecast"] = with_median(project.results["forecast"])
    if "results/meta.json" in zf.namelist():
        project.meta = json.loads(zf.read("results/meta.json").decode("utf-8"))
    plans = [m for m in names if m.startswith("plan/") and not m.endswith("/")]
    if plans:  # projects saved before plans were kept have none
        project.plan_name, project.plan_bytes = PurePosixPath(plans[0]).name, zf.read(plans[0])
    project.model = _read_model(zf, source)
    return project


def _inventory(data: dict) -> InventoryOptions:
    known = InventoryOptions.__dataclass_fields__
    return InventoryOptions(**{k: v for k, v in data.items() if k in known})


def _kind(column: pd.Series) -> str:
    if pd.api.types.is_datetime64_any_dtype(column):
        return "datetime"
    if pd.api.types.is_bool_dtype(column):
        return "bool"
    if pd.api.types.is_integer_dtype(column):
        return "integer"
    if pd.api.types.is_numeric_dtype(column):
        return "number"
    return "text"


def _read_table(raw: bytes, kinds: dict) -> pd.DataFrame:
    """A result table with its column kinds restored (text stays text: ``00123``)."""
    table = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
    for col in table.columns:
        kind = kinds.get(col, "text")
        if kind == "datetime":
            table[col] = pd.to_datetime(table[col].replace("", None), errors="coerce")
        elif kind in ("number", "integer"):
            values = pd.to_numeric(table[col].replace("", None), errors="coerce")
            table[col] = values.astype("int64") if kind == "integer" else values.astype(float)
        elif kind == "bool":
            table[col] = table[col].eq("True")
    return table


def _read_model(zf: zipfile.ZipFile, source: Path):
    members = [m for m in zf.namelist() if m.startswith("model/") and not m.endswith("/")]
    if not members:
        return None
    work = Path(tempfile.mkdtemp(prefix="skucast-open-"))
    try:
        for member in members:
            out = work / "model" / PurePosixPath(member[6:])
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(zf.read(member))
        return load_forecaster(work / "model")
    finally:
        shutil.rmtree(work, ignore_errors=True)


@dataclass
class OpenedProject:
    """A project read back and its sales file imported and cleaned again.

    ``plan`` is the project's plan file read again against the cleaned data
    (:func:`~core.analysis.plan_file.read_plan`); ``plan_error`` says why it no longer
    fits when it does not (the project opens without it).
    """

    project: Project
    raw: object
    cleaning: object
    plan: pd.DataFrame | None = None
    plan_error: InputError | None = None


def open_analysis(path: str | os.PathLike, on_progress=None, should_stop=None) -> OpenedProject:
    """Load a project and re-import its embedded sales file with the saved settings.

    Raises
    ------
    InputError
        For a damaged or foreign file, or one whose data no longer imports.
    """

    project = load_project(path)
    if not project.source_bytes and not project.source_path:
        raise _foreign(Path(path), "no sales data inside", "项目中没有销售数据")
    if not project.source_bytes and not Path(project.source_path).is_file():
        raise InputError(
            f"{Path(path).name} links to its sales file, too big to save inside it, and that "
            f"file is no longer at {project.source_path}. Put it back there, or import it "
            "again and save a new project.",
            f"{Path(path).name} 的销售文件太大，未保存在项目内，而是链接到 "
            f"{project.source_path}，但该文件已不在原处。请把文件放回原处，或重新导入后另存项目。",
        )
    if should_stop is not None and should_stop():
        raise CancelledError()
    work = Path(tempfile.mkdtemp(prefix="skucast-data-"))
    try:
        raw = load_dataset(project.source_file(work), project.import_options)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    raw.source.path = project.source_name
    opened = OpenedProject(project, raw, clean(raw, project.cleaning_options))
    if project.plan_bytes:
        try:
            opened.plan = read_plan(project.plan_bytes, project.plan_name,
                                    opened.cleaning.dataset)  # fmt: skip
        except InputError as exc:
            opened.plan_error = exc
    return opened
