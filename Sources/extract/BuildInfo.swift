import CBuildInfo
import Columnar

/// What `extract --version` prints: the semantic version and the git commit of the build.
/// The commit is "dev" unless `./run package` baked it in (see `Sources/CBuildInfo`).
enum BuildInfo {
    static let commit = String(cString: extract_git_commit())
    static let versionLine = "\(ExtractVersion.semver) (commit \(commit))"
}
