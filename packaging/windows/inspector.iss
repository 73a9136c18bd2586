; Inno Setup script for Inspector: a per-user install that needs no administrator rights.
;
; Built by the release workflow after `python packaging\build.py`:
;   iscc /DAppVersion=0.1.0 packaging\windows\inspector.iss
; and, when code-signing secrets are configured, with a sign tool named "signtool":
;   iscc /DAppVersion=0.1.0 /DSign "/Ssigntool=signtool.exe sign /fd sha256 /td sha256
;        /tr http://timestamp.digicert.com /f cert.pfx /p PASSWORD $f" packaging\windows\inspector.iss
;
; Reviewed against the Inno Setup 6 help, https://jrsoftware.org/ishelp/ ; each directive below
; names its topic (https://jrsoftware.org/ishelp/index.php?topic=<topic>).

; The version comes from the package metadata (pyproject.toml) via the command line, never
; from this file: preprocessor /D defines, topic=isppcc ("ISPP command line").
#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z inspector.iss
#endif
#define AppName "Inspector"
#define AppExe "inspector.exe"
; Paths relative to this script (SourceDir defaults to the script's folder, topic=setup_sourcedir).
#ifndef BundleDir
  #define BundleDir "..\dist\inspector"
#endif
#ifndef IconFile
  #define IconFile "..\build\icons\inspector.ico"
#endif

[Setup]
; A fixed AppId keeps upgrades and the uninstaller tied together (topic=setup_appid).
; "{{" escapes the brace.
AppId={{6E0F4C2A-8B1D-4E6A-9C3B-2F7A5D1E8B40}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Inspector contributors
VersionInfoVersion={#AppVersion}
; Per-user install without elevation (topic=setup_privilegesrequired): with "lowest", {autopf}
; is the user's %LOCALAPPDATA%\Programs and {autoprograms} the user's Start menu
; (topic=consts, "Auto constants"), and the uninstaller registers under HKCU.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; 64-bit only, like the PySide6 wheels (topic=setup_architecturesinstallin64bitmode).
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir=..\dist
OutputBaseFilename=Inspector-{#AppVersion}-windows-x64-setup
; LZMA2 solid compression (topic=setup_compression, topic=setup_solidcompression).
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Ask a running Inspector to close before files are replaced (topic=setup_closeapplications).
CloseApplications=yes
#ifdef Sign
; Signs setup and uninstaller with the "signtool" defined by /Ssigntool=... on the command
; line (topic=setup_signtool, topic=setup_signeduninstaller); only when /DSign is given, so
; builds without signing secrets need no certificate.
SignTool=signtool
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole PyInstaller onedir bundle (topic=filessection). The app executable is signed as it
; is compiled in when signing is on ("sign" flag).
#ifdef Sign
Source: "{#BundleDir}\{#AppExe}"; DestDir: "{app}"; Flags: ignoreversion sign
#else
Source: "{#BundleDir}\{#AppExe}"; DestDir: "{app}"; Flags: ignoreversion
#endif
Source: "{#BundleDir}\*"; DestDir: "{app}"; Excludes: "\{#AppExe}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; Start-menu entry (topic=iconssection); {autoprograms} is the user's Start menu here.
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Files the app creates inside its install folder at run time (Python byte-code caches).
Type: filesandordirs; Name: "{app}\_internal\__pycache__"

[Code]
// User data (settings, logs, crash reports, history) lives outside {app}, in platformdirs'
// folders: %LOCALAPPDATA%\Inspector (config, data, Logs, Cache). The uninstaller leaves it
// unless the user says yes here; a silent uninstall always keeps it.
// Event function: topic=scriptevents (CurUninstallStepChanged); DelTree, MsgBox:
// topic=isxfunc_deltree, topic=isxfunc_msgbox; UninstallSilent: topic=isxfunc_uninstallsilent.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep = usPostUninstall then
  begin
    DataDir := ExpandConstant('{localappdata}\{#AppName}');
    if DirExists(DataDir) and not UninstallSilent() then
      if MsgBox('Also delete Inspector''s settings, logs and history in ' + DataDir + '?' + #13#10 + #13#10 +
                'Choose No to keep them for a later install.',
                mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
        DelTree(DataDir, True, True, True);
  end;
end;
