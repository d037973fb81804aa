// CBuildInfo: the git commit the binary was built from, for `extract --version`.
// A plain `swift build` leaves EXTRACT_GIT_COMMIT undefined and the commit reads "dev", so
// building never depends on git. `./run package` defines it on the command line
// (`-Xcc -DEXTRACT_GIT_COMMIT="<hash>"`). The commit is NOT written into any output file:
// Parquet `created_by` stays fixed so outputs are byte-identical across builds.
#ifndef CBUILDINFO_H
#define CBUILDINFO_H

#ifndef EXTRACT_GIT_COMMIT
#define EXTRACT_GIT_COMMIT "dev"
#endif

/// The commit, as a static NUL-terminated string (never freed).
static inline const char *extract_git_commit(void) { return EXTRACT_GIT_COMMIT; }

#endif
