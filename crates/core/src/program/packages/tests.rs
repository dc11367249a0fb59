use super::*;

#[test]
fn every_dependency_is_in_the_catalogue_and_sizes_read() {
    let c = catalogue();
    assert!(c.apk.contains_key("curl") && c.deb.contains_key("curl"));
    for table in [&c.apk, &c.deb, &c.pip] {
        for (name, package) in table {
            for dep in &package.deps {
                assert!(table.contains_key(dep), "{name} needs {dep}");
            }
            assert!(package.bytes() > 0 || package.size == "0B", "{name}");
        }
    }
}

#[test]
fn resolve_puts_dependencies_first_and_skips_what_is_installed() {
    let c = catalogue();
    let order = resolve(&c.apk, &["curl".to_string()], &|_| false).unwrap();
    assert_eq!(order.last().map(String::as_str), Some("curl"));
    let libcurl = order.iter().position(|n| n == "libcurl").unwrap();
    let brotli = order.iter().position(|n| n == "brotli-libs").unwrap();
    assert!(brotli < libcurl);
    let fewer = resolve(&c.apk, &["curl".to_string()], &|n| n == "libcurl").unwrap();
    assert_eq!(fewer, ["ca-certificates", "curl"]);
    assert_eq!(
        resolve(&c.apk, &["nope".to_string()], &|_| false),
        Err("nope".to_string())
    );
}
