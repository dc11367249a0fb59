//! Package managers and their catalogue: `apk` (alpine), `apt-get`/`apt` (debian, ubuntu),
//! `pip` (python images) and `npm` (node images).

/// The packages the alpine base lists as installed (/lib/apk/db/installed).
pub const APK_BASE: &str = "P:alpine-baselayout\nV:3.6.5-r0\n\nP:busybox\nV:1.36.1-r29\n\nP:musl\nV:1.2.5-r0\n\nP:apk-tools\nV:2.14.4-r1\n\n";

/// The packages the Debian and Ubuntu bases list as installed (/var/lib/dpkg/status).
pub const DPKG_BASE: &str = "Package: base-files\nStatus: install ok installed\nVersion: 12.4+deb12u7\n\nPackage: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b7\n\nPackage: apt\nStatus: install ok installed\nVersion: 2.6.1\n\n";
