; Inno Setup 6 script: SkuCast per-user installer for Windows (x64).
;
; Built by `python packaging/build.py --installer` on Windows, which passes the version,
; the bundle folder and (when SKUCAST_SIGNTOOL_ARGS is set) a sign tool:
;   iscc /DAppVersion=0.1.0 /DSourceDir=dist\SkuCast /DOutputDir=dist packaging\windows\skucast.iss
; Without /D options it packs ..\..\dist\SkuCast with the version below (kept equal to
; core.__version__ by tests/test_packaging.py).
;
; Per-user: no administrator rights, installs into %LOCALAPPDATA%\Programs\SkuCast, a
; Start-menu entry, the .skucast file association under HKCU, and an uninstaller.

#define AppName "SkuCast"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppExeName "SkuCast.exe"
#define CliExeName "skucast-cli.exe"
#define ProgId "SkuCast.Project"
#define ProjectExt ".skucast"
#ifndef SourceDir
  #define SourceDir "..\..\dist\SkuCast"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

[Setup]
; AppId identifies the app for upgrades and the uninstaller: never change it.
AppId={{6E2B7B4C-3F0D-4E8A-9C51-5A7D2E1F0B93}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=SkuCast
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-user install: {autopf} is %LOCALAPPDATA%\Programs and registry keys go to HKCU.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename={#AppName}-{#AppVersion}-setup
; LZMA2 over one solid block: the bundle is ~1.3 GB of mostly TensorFlow libraries.
Compression=lzma2/ultra64
SolidCompression=yes
LZMAUseSeparateProcess=yes
LZMANumBlockThreads=4
WizardStyle=modern
ChangesAssociations=yes
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName} {#AppVersion}
CloseApplications=yes
#ifdef IconFile
SetupIconFile={#IconFile}
#endif
#ifdef Sign
; ISCC /Ssigntool="signtool.exe sign ... $f" (build.py passes it from SKUCAST_SIGNTOOL_ARGS)
SignTool=signtool
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(CompilerPath) + "Languages\Unofficial\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\Unofficial\ChineseSimplified.isl"
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "associate"; Description: "{cm:AssocFileExtension,{#AppName},{#ProjectExt}}"

[InstallDelete]
; An upgrade must not leave files of the previous bundle behind (stale DLLs break imports).
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExeName}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; Tasks: desktopicon

[Registry]
; .skucast -> SkuCast.Project -> "SkuCast.exe" "%1" (HKA = HKCU for a per-user install)
Root: HKA; Subkey: "Software\Classes\{#ProjectExt}"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#ProjectExt}\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "SkuCast project"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExeName},0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExeName}"" ""%1"""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExeName}\SupportedTypes"; ValueType: string; ValueName: "{#ProjectExt}"; ValueData: ""; Flags: uninsdeletekey; Tasks: associate

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; What the runtime hook (packaging/rthooks/pyi_rth_skucast.py) creates; user settings stay.
Type: filesandordirs; Name: "{localappdata}\SkuCast\numba"
Type: filesandordirs; Name: "{localappdata}\SkuCast\logs"
Type: dirifempty; Name: "{localappdata}\SkuCast"
