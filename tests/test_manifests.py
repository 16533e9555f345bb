"""Build manifests parsed into facts: small inline pom.xml / Gradle / package.json / requirements / go.mod texts."""

from __future__ import annotations

import pytest

from optimizer.context import BuildContext
from optimizer.context.manifests import (MavenProject, lockfile_install_scripts, parse_ini, parse_pom, parse_requirements,
                                         parse_simple_yaml, parse_yarnrc)

POM_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n'


def pom(body: str) -> str:
    return POM_HEAD + "<modelVersion>4.0.0</modelVersion>\n" + body + "\n</project>\n"


SPRING_BOOT = pom("""
<parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId>
  <version>3.2.0</version><relativePath/></parent>
<groupId>com.example</groupId><artifactId>demo</artifactId><version>0.0.1-SNAPSHOT</version>
<properties><java.version>17</java.version></properties>
<build><plugins><plugin><groupId>org.springframework.boot</groupId>
  <artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build>
""")

# (pom text, expected facts: attribute -> value)
POMS = [
    pytest.param(SPRING_BOOT, {
        "parsed": True, "group_id": "com.example", "artifact_id": "demo", "version": "0.0.1-SNAPSHOT",
        "packaging": None, "final_name": None, "java_version": "17", "java_major": 17, "spring_boot": True,
        "final_file": "demo-0.0.1-SNAPSHOT.jar", "modules": (),
    }, id="spring-boot"),
    pytest.param(pom("<artifactId>a</artifactId><version>1</version>").replace(
        ' xmlns="http://maven.apache.org/POM/4.0.0"', ""), {
        "artifact_id": "a", "group_id": None, "final_file": "a-1.jar",
    }, id="no-namespace"),
    pytest.param(pom("""<parent><groupId>org.acme</groupId><artifactId>parent</artifactId><version>2.0</version></parent>
        <artifactId>child</artifactId>"""), {
        "group_id": "org.acme", "version": "2.0", "artifact_id": "child", "final_file": "child-2.0.jar",
    }, id="inherits-group-and-version"),
    pytest.param(pom("""<groupId>g</groupId><artifactId>app</artifactId><version>${revision}</version>
        <properties><revision>1.2.3</revision></properties>
        <build><finalName>${project.artifactId}-${project.version}-exec</finalName></build>"""), {
        "version": "1.2.3", "final_name": "app-1.2.3-exec", "final_file": "app-1.2.3-exec.jar",
    }, id="interpolated-final-name"),
    pytest.param(pom("""<artifactId>app</artifactId><version>${revision}</version>"""), {
        "version": None, "final_file": None,
    }, id="unresolvable-property-is-none"),
    pytest.param(pom("""<artifactId>app</artifactId><version>1</version><build><finalName>app</finalName></build>
        <packaging>war</packaging>"""), {
        "packaging": "war", "final_file": "app.war",
    }, id="war-final-name"),
    pytest.param(pom("""<artifactId>parent</artifactId><version>1</version><packaging>pom</packaging>
        <modules><module>core</module><module>./web/</module><module>core</module></modules>"""), {
        "modules": ("core", "web"), "final_file": None,
    }, id="multi-module"),
    pytest.param(pom("""<artifactId>q</artifactId><version>1</version><packaging>quarkus</packaging>"""), {
        "final_file": None,
    }, id="unknown-packaging-no-file"),
    pytest.param(pom("""<artifactId>a</artifactId>
        <properties><maven.compiler.source>1.8</maven.compiler.source>
        <maven.compiler.target>1.8</maven.compiler.target></properties>"""), {
        "java_version": "1.8", "java_major": 8,
    }, id="compiler-properties"),
    pytest.param(pom("""<artifactId>a</artifactId>
        <properties><maven.compiler.release>21</maven.compiler.release><java.version>11</java.version></properties>"""), {
        "java_version": "21",
    }, id="release-property-wins"),
    pytest.param(pom("""<artifactId>a</artifactId><properties><jdk>11</jdk><java.version>8</java.version></properties>
        <build><plugins><plugin><artifactId>maven-compiler-plugin</artifactId>
        <configuration><source>${jdk}</source><target>${jdk}</target></configuration></plugin></plugins></build>"""), {
        "java_version": "11", "spring_boot": False,
    }, id="compiler-plugin-configuration-wins"),
    pytest.param(pom("""<artifactId>a</artifactId><build><pluginManagement><plugins><plugin>
        <artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></pluginManagement></build>"""), {
        "spring_boot": False,
    }, id="plugin-management-only-is-not-applied"),
    pytest.param(pom("<!-- comment --><artifactId> spaced </artifactId>"), {"artifact_id": "spaced"}, id="whitespace"),
    pytest.param('<?xml version="1.0"?>\n<!DOCTYPE project [<!ENTITY x "y">]>\n<project><artifactId>&x;</artifactId></project>',
                 {"parsed": False, "artifact_id": None}, id="doctype-refused"),
    pytest.param("<project><artifactId>a</artifactId>", {"parsed": False}, id="malformed-xml"),
    pytest.param("<settings><artifactId>a</artifactId></settings>", {"parsed": False}, id="not-a-project"),
    pytest.param("\ufeff" + pom("<artifactId>bom</artifactId>"), {"artifact_id": "bom"}, id="bom"),
]


@pytest.mark.parametrize(("text", "facts"), POMS)
def test_pom(text: str, facts: dict) -> None:
    project = parse_pom(text)
    for name, value in facts.items():
        assert getattr(project, name) == value, name


def test_pom_parent_facts() -> None:
    parent = parse_pom(SPRING_BOOT).parent
    assert parent is not None
    assert (parent.group_id, parent.artifact_id, parent.version) == (
        "org.springframework.boot", "spring-boot-starter-parent", "3.2.0")


def manifests(files: list[str], texts: dict[str, str] | None = None):
    return BuildContext.from_listing(files, texts=texts).manifests


def test_maven_from_context_with_wrapper() -> None:
    found = manifests(["pom.xml", "mvnw", ".mvn/wrapper/maven-wrapper.properties", "src/main/A.java"],
                      {"pom.xml": SPRING_BOOT})
    assert found.maven is not None and found.maven.has_wrapper and found.maven.artifact_id == "demo"
    assert found.kinds == ("maven",)


@pytest.mark.parametrize(("files", "wrapper"), [
    pytest.param(["pom.xml", "mvnw"], False, id="mvnw-without-dot-mvn"),
    pytest.param(["pom.xml", ".mvn/jvm.config"], False, id="dot-mvn-without-mvnw"),
    pytest.param(["pom.xml", "mvnw", ".mvn/wrapper/maven-wrapper.jar"], True, id="both"),
])
def test_maven_wrapper(files: list[str], wrapper: bool) -> None:
    maven = manifests(files).maven
    assert maven is not None and maven.has_wrapper is wrapper


def test_pom_without_text_is_unparsed_but_present() -> None:
    maven = manifests(["pom.xml"]).maven
    assert maven == MavenProject(parsed=False)


def test_no_pom_no_maven() -> None:
    assert manifests(["sub/pom.xml", "Dockerfile"]).maven is None


GRADLE = [
    pytest.param(["build.gradle", "gradlew", "gradle/wrapper/gradle-wrapper.properties"], {"build.gradle": """
plugins {
    id 'java'
    id 'org.springframework.boot' version '3.1.0'
}
java { toolchain { languageVersion = JavaLanguageVersion.of(17) } }
"""}, {"build_file": "build.gradle", "kotlin_dsl": False, "has_wrapper": True, "java_version": "17",
       "spring_boot": True, "wrapper_files": ("gradle/wrapper/gradle-wrapper.properties", "gradlew")},
        id="groovy-toolchain-boot"),
    pytest.param(["build.gradle.kts", "settings.gradle.kts"], {
        "build.gradle.kts": 'plugins { id("org.springframework.boot") version "3.2.0" apply false }\n'
                            "java.sourceCompatibility = JavaVersion.VERSION_21\n",
        "settings.gradle.kts": 'rootProject.name = "x"\ninclude(":app", ":libs:core")\n'},
     {"kotlin_dsl": True, "spring_boot": False, "java_version": "21", "subprojects": ("app", "libs/core"),
      "has_wrapper": False}, id="kotlin-apply-false-subprojects"),
    pytest.param(["build.gradle"], {"build.gradle": "apply plugin: 'spring-boot'\nsourceCompatibility = 1.8\n"
                                                    "targetCompatibility = JavaVersion.VERSION_1_8\n"},
                 {"spring_boot": True, "java_version": "1.8", "java_major": 8}, id="boot-1-style"),
    pytest.param(["build.gradle"], {"build.gradle": "// id 'org.springframework.boot'\n/* sourceCompatibility = 11 */\n"},
                 {"spring_boot": False, "java_version": None}, id="comments-ignored"),
    pytest.param(["settings.gradle"], {"settings.gradle": "include 'a', 'b'\n"},
                 {"build_file": None, "settings_file": "settings.gradle", "subprojects": ("a", "b")}, id="settings-only"),
    pytest.param(["gradlew"], None, {"has_wrapper": True, "build_file": None}, id="wrapper-only"),
]


@pytest.mark.parametrize(("files", "texts", "facts"), GRADLE)
def test_gradle(files: list[str], texts: dict | None, facts: dict) -> None:
    gradle = manifests(files, texts).gradle
    assert gradle is not None
    for name, value in facts.items():
        assert getattr(gradle, name) == value, name


def test_no_gradle() -> None:
    assert manifests(["app/build.gradle"]).gradle is None


NODE = [
    pytest.param(["package.json", "package-lock.json"], '{"name": "web", "scripts": {"build": "x", "start": "y"}}',
                 {"lockfile": "package-lock.json", "package_manager": "npm", "name": "web", "scripts": ("build", "start")},
                 id="npm"),
    pytest.param(["package.json", "yarn.lock", ".yarnrc.yml", ".yarn/releases/yarn-4.1.0.cjs"], "{}",
                 {"lockfile": "yarn.lock", "package_manager": "yarn", "config_files": (".yarnrc.yml",),
                  "yarn_berry_files": (".yarn/releases/yarn-4.1.0.cjs",)}, id="yarn-berry"),
    pytest.param(["package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml"], '{"packageManager": "pnpm@9.1.0"}',
                 {"lockfile": "pnpm-lock.yaml", "package_manager": "pnpm", "package_manager_field": "pnpm@9.1.0",
                  "config_files": ("pnpm-workspace.yaml",)}, id="pnpm-field"),
    pytest.param(["package.json", "npm-shrinkwrap.json", "package-lock.json"], "{}",
                 {"lockfile": "npm-shrinkwrap.json", "package_manager": "npm"}, id="shrinkwrap-preferred"),
    pytest.param(["package.json", "yarn.lock", "package-lock.json"], "{}",
                 {"lockfile": None, "package_manager": None,
                  "lockfiles": ("package-lock.json", "yarn.lock")}, id="two-managers-no-guess"),
    pytest.param(["package.json", "yarn.lock", "package-lock.json"], '{"packageManager": "yarn@1.22.19"}',
                 {"lockfile": "yarn.lock", "package_manager": "yarn"}, id="field-decides"),
    pytest.param(["package.json"], '{"workspaces": {"packages": ["packages/*"]}, "engines": {"node": ">=18"}}',
                 {"lockfile": None, "package_manager": None, "workspaces": ("packages/*",), "node_engine": ">=18"},
                 id="workspaces-object-no-lockfile"),
    pytest.param(["package.json", "bun.lockb"], "{}", {"lockfile": None, "package_manager": "bun"}, id="bun"),
    pytest.param(["package.json"], "{not json", {"parsed": False, "name": None}, id="invalid-json"),
    pytest.param(["package.json"], None, {"parsed": False}, id="text-unknown"),
]


@pytest.mark.parametrize(("files", "text", "facts"), NODE)
def test_node(files: list[str], text: str | None, facts: dict) -> None:
    node = manifests(files, {"package.json": text} if text is not None else None).node
    assert node is not None
    for name, value in facts.items():
        assert getattr(node, name) == value, name


PYTHON = [
    pytest.param(["requirements.txt", "app.py"], {"requirements.txt": "flask==3.0\n"},
                 {"requirements": ("requirements.txt",), "references": (), "pyproject": False}, id="plain"),
    pytest.param(["requirements.txt", "requirements-dev.txt", "dev-requirements.txt", "requirements/base.txt",
                  "requirements/sub/x.txt", "docs/requirements.txt"], None,
                 {"requirements": ("dev-requirements.txt", "requirements-dev.txt", "requirements.txt",
                                   "requirements/base.txt")}, id="requirements-files"),
    pytest.param(["requirements.txt", "requirements/base.txt"], {
        "requirements.txt": "-r requirements/base.txt\n-e .\n./libs/shared  # local\n--find-links ./wheels\n"
                            "-c constraints.txt\nrequests>=2 ; python_version > '3'\n"
                            "git+https://github.com/x/y.git#egg=y\n",
        "requirements/base.txt": "-r ../common.txt\nfile:vendor/pkg\n"},
     {"references": ("common.txt", "vendor/pkg", ".", "libs/shared", "wheels", "constraints.txt")},
     id="references"),
    pytest.param(["pyproject.toml", "poetry.lock"], {
        "pyproject.toml": '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n'},
     {"pyproject": True, "poetry_lock": True, "build_backend": "poetry.core.masonry.api", "requirements": ()},
     id="poetry"),
    pytest.param(["Pipfile", "Pipfile.lock"], None, {"pipfile": True, "pipfile_lock": True}, id="pipenv"),
    pytest.param(["pyproject.toml", "uv.lock"], {"pyproject.toml": "not [toml"},
                 {"uv_lock": True, "build_backend": None}, id="uv-bad-toml"),
    pytest.param(["setup.py"], None, {"setup_py": True}, id="setup-py"),
]


@pytest.mark.parametrize(("files", "texts", "facts"), PYTHON)
def test_python(files: list[str], texts: dict | None, facts: dict) -> None:
    python = manifests(files, texts).python
    assert python is not None
    for name, value in facts.items():
        assert getattr(python, name) == value, name


def test_no_python() -> None:
    assert manifests(["src/requirements.txt", "main.py"]).python is None


GO_MOD = """module example.com/shop // the shop

go 1.22

toolchain go1.22.3

require github.com/x/y v1.0.0

replace example.com/lib => ./lib

replace (
	example.com/a v1.0.0 => ../a
	example.com/b => example.com/b2 v1.1.0
)
"""


def test_go() -> None:
    go = manifests(["go.mod", "go.sum", "vendor/modules.txt", "main.go"], {"go.mod": GO_MOD}).go
    assert go is not None
    assert (go.module, go.go_version, go.toolchain) == ("example.com/shop", "1.22", "go1.22.3")
    assert go.local_replaces == ("./lib", "../a")
    assert go.go_sum and go.vendored and go.parsed and not go.workspace


def test_go_without_text() -> None:
    go = manifests(["go.mod"]).go
    assert go is not None and not go.parsed and go.module is None and not go.go_sum


def test_no_manifests() -> None:
    found = manifests(["Dockerfile", "index.html"])
    assert found.kinds == ()
    assert (found.maven, found.gradle, found.node, found.python, found.go) == (None, None, None, None, None)


def test_requirements_file_facts() -> None:
    facts = parse_requirements(
        "-r base.txt\n--requirement=extra.txt\n-c constraints.txt\n-e ./libs/common\n"
        "-e git+https://github.com/acme/sdk.git#egg=sdk\n--find-links wheels\n--no-index\n"
        "./packages/core\nvendor/legacy-0.9.tar.gz\nmodels @ file:///app/dist/models-0.3-py3-none-any.whl\n"
        "flask==3.0.3 \\\n    --hash=sha256:abc  # pinned\nrequests[socks]>=2 ; python_version > '3'\n--src ./deps\n")
    assert facts.includes == ("base.txt", "extra.txt")
    assert facts.constraints == ("constraints.txt",)
    assert facts.editables == ("./libs/common", "git+https://github.com/acme/sdk.git#egg=sdk")
    assert facts.find_links == ("wheels",)
    assert facts.paths == ("./packages/core", "vendor/legacy-0.9.tar.gz", "/app/dist/models-0.3-py3-none-any.whl")
    assert facts.unknown == ("the option line `--src ./deps`",)


LOCK = ('{"lockfileVersion": 3, "packages": {"": {}, "node_modules/esbuild": {"hasInstallScript": true}, '
        '"node_modules/a/node_modules/@prisma/client": {"hasInstallScript": true}, "node_modules/ms": {}}}')


@pytest.mark.parametrize(("name", "text", "names"), [
    pytest.param("package-lock.json", LOCK, ("esbuild", "@prisma/client"), id="npm-v3"),
    pytest.param("package-lock.json", '{"lockfileVersion": 1, "dependencies": {}}', None, id="npm-v1-does-not-record"),
    pytest.param("package-lock.json", "not json", None, id="npm-broken"),
    pytest.param("pnpm-lock.yaml", "lockfileVersion: '6.0'\npackages:\n  /esbuild@0.20.2:\n    requiresBuild: true\n"
                 "  /@prisma/engines@5.14.0:\n    requiresBuild: true\n  /ms@2.1.3:\n    dev: false\n",
                 ("esbuild", "@prisma/engines"), id="pnpm-v6"),
    pytest.param("pnpm-lock.yaml", "lockfileVersion: '9.0'\n", None, id="pnpm-v9-does-not-record"),
    pytest.param("yarn.lock", "ms@^2:\n  version \"2.1.3\"\n", None, id="yarn-does-not-record"),
])
def test_lockfile_install_scripts(name: str, text: str, names) -> None:
    assert lockfile_install_scripts(name, text) == names


def test_node_config_readers() -> None:
    assert parse_ini("; comment\nregistry=https://r/\ncafile = \"certs/ca.pem\"\n") == {
        "registry": "https://r/", "cafile": "certs/ca.pem"}
    assert parse_yarnrc('# yarn\nyarn-offline-mirror "./cache"\n--install.frozen-lockfile true\n') == {
        "yarn-offline-mirror": "./cache", "--install.frozen-lockfile": "true"}
    assert parse_simple_yaml("yarnPath: .yarn/releases/yarn-4.1.1.cjs\nplugins:\n  - path: .yarn/plugins/a.cjs\n"
                             "  - .yarn/plugins/b.cjs\npackages: ['apps/*', \"libs/*\"]\n") == {
        "yarnPath": [".yarn/releases/yarn-4.1.1.cjs"], "plugins": [".yarn/plugins/a.cjs", ".yarn/plugins/b.cjs"],
        "packages": ["apps/*", "libs/*"]}
    assert parse_simple_yaml("base: &anchor\n  x: 1\n") is None


def test_node_local_specs_and_patches() -> None:
    node = manifests(["package.json"], {"package.json": (
        '{"dependencies": {"ui": "file:vendor/ui.tgz", "ms": "^2"}, "overrides": {"a": {"b": "./patched/b.tgz"}},'
        ' "resolutions": {"left-pad": "patch:left-pad@npm%3A1.3.0#./patches/left-pad.patch"},'
        ' "pnpm": {"patchedDependencies": {"express@4.19.2": "patches/express.patch"}, "onlyBuiltDependencies": ["esbuild"]}'
        '}')}).node
    assert node.local_specs == ("file:vendor/ui.tgz", "./patched/b.tgz")
    assert node.patch_files == ("patches/express.patch", "./patches/left-pad.patch")
    assert node.only_built == ("esbuild",)


def test_pom_references() -> None:
    project = parse_pom("<project><groupId>com.acme</groupId><artifactId>web</artifactId><version>1</version>"
                        "<dependencies><dependency><groupId>${project.groupId}</groupId><artifactId>core</artifactId>"
                        "</dependency></dependencies><build><plugins><plugin><artifactId>maven-jar-plugin</artifactId>"
                        "</plugin></plugins></build></project>")
    assert project.references == ("com.acme:core", "org.apache.maven.plugins:maven-jar-plugin")
