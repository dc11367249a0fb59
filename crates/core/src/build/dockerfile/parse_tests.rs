//! The parser against BuildKit's behaviour, rule by rule, message by message.

use super::*;

fn ok(text: &str) -> Dockerfile {
    match parse(text) {
        Ok(d) => d,
        Err(e) => panic!("{text:?} failed: {e}"),
    }
}

fn fails(text: &str) -> DockerfileError {
    match parse(text) {
        Ok(d) => panic!("{text:?} parsed: {d:?}"),
        Err(e) => e,
    }
}

fn only(text: &str) -> Located<Instruction> {
    let file = ok(text);
    assert_eq!(file.stages.len(), 1, "{text:?}");
    let stage = file.stages.into_iter().next().unwrap();
    assert_eq!(stage.instructions.len(), 1, "{text:?}");
    stage.instructions.into_iter().next().unwrap()
}

fn instr(text: &str) -> Instruction {
    only(&format!("FROM alpine\n{text}\n")).value
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn kv(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn minimal_file() {
    let file = ok("FROM alpine\nRUN apk add curl\nCMD [\"curl\", \"-h\"]\n");
    assert_eq!(file.global_args, vec![]);
    assert_eq!(file.escape, '\\');
    let stage = &file.stages[0];
    assert_eq!(stage.base, "alpine");
    assert_eq!(stage.name, None);
    assert_eq!(stage.line, 1);
    assert_eq!(
        stage.instructions,
        vec![
            Located {
                line: 2,
                text: "RUN apk add curl".into(),
                value: Instruction::Run(ShellOrExec::Shell("apk add curl".into())),
            },
            Located {
                line: 3,
                text: "CMD [\"curl\", \"-h\"]".into(),
                value: Instruction::Cmd(ShellOrExec::Exec(s(&["curl", "-h"]))),
            },
        ]
    );
}

#[test]
fn from_forms() {
    let file = ok(
        "FROM --platform=linux/amd64 golang:1.22 AS Build\nFROM build as test\n\
                   FROM scratch\nFROM ${BASE:-alpine}\n",
    );
    let got: Vec<_> = file
        .stages
        .iter()
        .map(|s| {
            (
                s.base.as_str(),
                s.name.as_deref(),
                s.platform.as_deref(),
                s.line,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("golang:1.22", Some("build"), Some("linux/amd64"), 1),
            ("build", Some("test"), None, 2),
            ("scratch", None, None, 3),
            ("${BASE:-alpine}", None, None, 4),
        ]
    );
}

#[test]
fn global_args_before_first_from() {
    let file = ok("ARG VERSION=3.19\nARG A B=\"x y\"\nFROM alpine:$VERSION\nARG VERSION\n");
    assert_eq!(
        file.global_args,
        vec![
            ArgDecl {
                name: "VERSION".into(),
                default: Some("3.19".into())
            },
            ArgDecl {
                name: "A".into(),
                default: None
            },
            ArgDecl {
                name: "B".into(),
                default: Some("\"x y\"".into())
            },
        ]
    );
    assert_eq!(file.stages[0].base, "alpine:$VERSION");
    assert_eq!(
        file.stages[0].instructions[0].value,
        Instruction::Arg(vec![ArgDecl {
            name: "VERSION".into(),
            default: None
        }])
    );
}

#[test]
fn instruction_names_are_case_insensitive_and_printed_upper() {
    let located = only("from alpine\nrun echo Hi\n");
    assert_eq!(located.text, "RUN echo Hi");
    assert_eq!(
        located.value,
        Instruction::Run(ShellOrExec::Shell("echo Hi".into()))
    );
    assert_eq!(only("FROM a\nCoPy a b\n").text, "COPY a b");
}

#[test]
fn run_cmd_entrypoint_forms() {
    assert_eq!(
        instr("RUN [\"/bin/echo\", \"a b\"]"),
        Instruction::Run(ShellOrExec::Exec(s(&["/bin/echo", "a b"])))
    );
    assert_eq!(
        instr("ENTRYPOINT [\"nginx\", \"-g\", \"daemon off;\"]"),
        Instruction::Entrypoint(ShellOrExec::Exec(s(&["nginx", "-g", "daemon off;"])))
    );
    assert_eq!(
        instr("ENTRYPOINT exec nginx"),
        Instruction::Entrypoint(ShellOrExec::Shell("exec nginx".into()))
    );
    assert_eq!(instr("CMD []"), Instruction::Cmd(ShellOrExec::Exec(vec![])));
    assert_eq!(
        instr("CMD"),
        Instruction::Cmd(ShellOrExec::Shell(String::new()))
    );
    // Docker keeps going with the shell form when the JSON is not valid.
    assert_eq!(
        instr("CMD [\"echo\", \"hi\""),
        Instruction::Cmd(ShellOrExec::Shell("[\"echo\", \"hi\"".into()))
    );
    assert_eq!(
        instr("CMD ['single', 'quotes']"),
        Instruction::Cmd(ShellOrExec::Shell("['single', 'quotes']".into()))
    );
    assert_eq!(
        instr("CMD [\"a\"] # not a comment"),
        Instruction::Cmd(ShellOrExec::Shell("[\"a\"] # not a comment".into()))
    );
    assert_eq!(
        instr("RUN --mount=type=cache,target=/root/.cache --network=none make"),
        Instruction::Run(ShellOrExec::Shell("make".into()))
    );
}

#[test]
fn json_with_non_strings_is_an_error() {
    let e = fails("FROM a\nCMD [\"a\", 1]\n");
    assert_eq!(e.line, 2);
    assert_eq!(
        e.to_string(),
        "dockerfile parse error on line 2: when using JSON array syntax, arrays must be \
         comprised of strings only"
    );
}

#[test]
fn copy_and_add() {
    assert_eq!(
        instr("COPY --from=Build --chown=app:app --chmod=755 /out/a /out/b /usr/bin/"),
        Instruction::Copy {
            sources: s(&["/out/a", "/out/b"]),
            dest: "/usr/bin/".into(),
            from: Some("build".into()),
            chown: Some("app:app".into()),
            chmod: Some("755".into()),
            inline: vec![],
        }
    );
    assert_eq!(
        instr("COPY [\"my file.txt\", \"/dest dir/\"]"),
        Instruction::Copy {
            sources: s(&["my file.txt"]),
            dest: "/dest dir/".into(),
            from: None,
            chown: None,
            chmod: None,
            inline: vec![],
        }
    );
    assert_eq!(
        instr("ADD --chown=1000 --link https://example.com/x.tgz /opt/"),
        Instruction::Add {
            sources: s(&["https://example.com/x.tgz"]),
            dest: "/opt/".into(),
            chown: Some("1000".into()),
            chmod: None,
            inline: vec![],
        }
    );
    assert_eq!(
        instr("COPY \"a b\" /x"),
        Instruction::Copy {
            sources: s(&["\"a", "b\""]),
            dest: "/x".into(),
            from: None,
            chown: None,
            chmod: None,
            inline: vec![],
        }
    );
}

#[test]
fn copy_needs_two_arguments() {
    for text in [
        "FROM a\nCOPY onlyone\n",
        "FROM a\nCOPY\n",
        "FROM a\nCOPY [\"x\"]\n",
    ] {
        let e = fails(text);
        assert_eq!(e.line, 2, "{text:?}");
        assert_eq!(e.kind, ErrorKind::Instruction);
        assert_eq!(
            e.to_string(),
            "dockerfile parse error on line 2: COPY requires at least two arguments, but \
             only one was provided. Destination could not be determined"
        );
    }
    assert!(fails("FROM a\nADD x\n")
        .message
        .starts_with("ADD requires at least two"));
}

#[test]
fn unknown_and_bad_flags() {
    let e = fails("FROM a\nCOPY --frm=build a b\n");
    assert_eq!(e.line, 2);
    assert_eq!(
        e.to_string(),
        "dockerfile parse error on line 2: unknown flag: --frm (did you mean from?)"
    );
    assert_eq!(
        fails("FROM a\nCOPY --zzzzzz=1 a b\n").message,
        "unknown flag: --zzzzzz"
    );
    assert_eq!(
        fails("FROM a\nADD --from=x a b\n").message,
        "unknown flag: --from"
    );
    assert_eq!(
        fails("FROM a\nCOPY --from a b\n").message,
        "missing a value on flag: --from"
    );
    assert_eq!(
        fails("FROM a\nCOPY --from=x --from=y a b\n").message,
        "duplicate flag specified: --from"
    );
    assert_eq!(
        fails("FROM a\nCOPY --link=maybe a b\n").message,
        "expecting boolean value for flag --link, not: maybe"
    );
    assert_eq!(
        fails("FROM a\nENV --x=1 A=b\n").message,
        "unknown flag: --x"
    );
    assert_eq!(
        fails("FROM --platfrm=x a\n").message,
        "unknown flag: --platfrm (did you mean platform?)"
    );
    assert_eq!(fails("FROM --plat=x a\n").message, "unknown flag: --plat");
    assert_eq!(
        fails("FROM a\nRUN --mnt=x true\n").message,
        "unknown flag: --mnt (did you mean mount?)"
    );
}

#[test]
fn bad_copy_from() {
    let e = fails("FROM a\nARG V=1\nCOPY --from=img:$V a b\n");
    assert_eq!(e.line, 3);
    assert_eq!(e.kind, ErrorKind::Stage);
    assert_eq!(
        e.to_string(),
        "variable expansion is not supported for --from, define a new stage with FROM using \
         ARG from global scope as a workaround"
    );
    let e = fails("FROM a AS one\nCOPY --from=one x y\n");
    assert_eq!(e.to_string(), "circular dependency detected on stage: one");
    assert_eq!(e.line, 1);
    let e = fails("FROM a AS one\nCOPY --from=two x y\nFROM b AS two\nCOPY --from=one x y\n");
    assert_eq!(e.kind, ErrorKind::Stage);
    assert!(
        e.message
            .starts_with("circular dependency detected on stage: "),
        "{e}"
    );
    let e = fails("FROM a\nFROM b\nCOPY --from=2 x y\n");
    assert_eq!((e.line, e.message.as_str()), (3, "invalid stage index 2"));
    assert_eq!(
        fails("FROM a\nCOPY --from=0 x y\n").message,
        "circular dependency detected on stage: stage-0"
    );
    // Earlier stages, later stages without a cycle, indexes and images are fine.
    let file = ok(
        "FROM a AS one\nFROM b\nCOPY --from=0 x y\nCOPY --from=one x y\n\
                   COPY --from=three x y\nCOPY --from=nginx:1 x y\nFROM c AS three\n",
    );
    assert_eq!(file.stages.len(), 3);
}

#[test]
fn env_forms() {
    assert_eq!(
        instr("ENV A=1 B=\"two words\" C='x y' D=a\\ b"),
        Instruction::Env(kv(&[
            ("A", "1"),
            ("B", "\"two words\""),
            ("C", "'x y'"),
            ("D", "a\\ b")
        ]))
    );
    assert_eq!(
        instr("ENV PATH /usr/local/bin:$PATH"),
        Instruction::Env(kv(&[("PATH", "/usr/local/bin:$PATH")]))
    );
    assert_eq!(
        instr("ENV MSG hello   big world"),
        Instruction::Env(kv(&[("MSG", "hello   big world")]))
    );
    assert_eq!(instr("ENV EMPTY="), Instruction::Env(kv(&[("EMPTY", "")])));
    assert_eq!(
        instr("LABEL org.opencontainers.image.title=\"My app\" version=1"),
        Instruction::Label(kv(&[
            ("org.opencontainers.image.title", "\"My app\""),
            ("version", "1")
        ]))
    );
}

#[test]
fn env_errors() {
    let e = fails("FROM a\n\nENV =x\n");
    assert_eq!(e.line, 3);
    assert_eq!(
        e.to_string(),
        "dockerfile parse error on line 3: ENV names can not be blank"
    );
    assert_eq!(
        fails("FROM a\nENV ONLYKEY\n").message,
        "ENV must have two arguments"
    );
    assert_eq!(
        fails("FROM a\nENV\n").message,
        "ENV requires at least one argument"
    );
    assert_eq!(
        fails("FROM a\nENV A=1 B\n").message,
        "Syntax error - can't find = in \"B\". Must be of the form: name=value"
    );
    assert_eq!(
        fails("FROM a\nLABEL =x\n").message,
        "LABEL names can not be blank"
    );
    assert_eq!(
        fails("FROM a\nARG =x\n").message,
        "ARG names can not be blank"
    );
    assert_eq!(
        fails("FROM a\nARG\n").message,
        "ARG requires at least one argument"
    );
}

#[test]
fn single_argument_instructions() {
    assert_eq!(
        instr("WORKDIR /app dir"),
        Instruction::Workdir("/app dir".into())
    );
    assert_eq!(instr("USER app:app"), Instruction::User("app:app".into()));
    assert_eq!(
        instr("STOPSIGNAL SIGQUIT"),
        Instruction::StopSignal("SIGQUIT".into())
    );
    assert_eq!(
        instr("MAINTAINER Jane <j@x.org>"),
        Instruction::Maintainer("Jane <j@x.org>".into())
    );
    assert_eq!(
        fails("FROM a\nWORKDIR\n").message,
        "WORKDIR requires exactly one argument"
    );
    assert_eq!(
        fails("FROM a\nUSER\n").message,
        "USER requires exactly one argument"
    );
    assert_eq!(
        fails("FROM a\nSTOPSIGNAL\n").message,
        "STOPSIGNAL requires exactly one argument"
    );
    assert_eq!(
        fails("FROM a\nMAINTAINER\n").message,
        "MAINTAINER requires exactly one argument"
    );
}

#[test]
fn expose_volume_shell_healthcheck() {
    assert_eq!(
        instr("EXPOSE 8080 80/tcp 53/udp"),
        Instruction::Expose(s(&["53/udp", "80/tcp", "8080"]))
    );
    assert_eq!(
        instr("VOLUME /data /logs"),
        Instruction::Volume(s(&["/data", "/logs"]))
    );
    assert_eq!(
        instr("VOLUME [\"/data\", \"/var/log\"]"),
        Instruction::Volume(s(&["/data", "/var/log"]))
    );
    assert_eq!(
        instr("SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]"),
        Instruction::Shell(s(&["/bin/bash", "-o", "pipefail", "-c"]))
    );
    assert_eq!(
        instr("HEALTHCHECK --interval=5s CMD wget -q -O- localhost || exit 1"),
        Instruction::Healthcheck("--interval=5s CMD wget -q -O- localhost || exit 1".into())
    );
    assert_eq!(
        instr("HEALTHCHECK NONE"),
        Instruction::Healthcheck("NONE".into())
    );
    assert_eq!(
        fails("FROM a\nEXPOSE\n").message,
        "EXPOSE requires at least one argument"
    );
    assert_eq!(
        fails("FROM a\nVOLUME []\n").message,
        "VOLUME requires at least one argument"
    );
    assert_eq!(
        fails("FROM a\nVOLUME [\" \"]\n").message,
        "VOLUME specified can not be an empty string"
    );
    assert_eq!(
        fails("FROM a\nSHELL /bin/bash -c\n").message,
        "SHELL requires the arguments to be in JSON form"
    );
    assert_eq!(
        fails("FROM a\nSHELL []\n").message,
        "SHELL requires at least one argument"
    );
    assert_eq!(
        fails("FROM a\nHEALTHCHECK\n").message,
        "HEALTHCHECK requires at least one argument"
    );
    assert_eq!(
        fails("FROM a\nHEALTHCHECK NONE x\n").message,
        "HEALTHCHECK NONE takes no arguments"
    );
    assert_eq!(
        fails("FROM a\nHEALTHCHECK RUN x\n").message,
        "Unknown type \"RUN\" in HEALTHCHECK (try CMD)"
    );
    assert_eq!(
        fails("FROM a\nHEALTHCHECK CMD []\n").message,
        "Missing command after HEALTHCHECK CMD"
    );
    assert_eq!(
        fails("FROM a\nHEALTHCHECK --every=1s CMD x\n").message,
        "unknown flag: --every"
    );
}

#[test]
fn continuations_comments_and_line_numbers() {
    let text = "# a comment\n\nFROM alpine\n\nRUN apk add \\\n    curl \\\n# a comment inside\n\n    git\n  COPY . /app\n";
    let file = ok(text);
    let got: Vec<_> = file.stages[0]
        .instructions
        .iter()
        .map(|l| (l.line, l.text.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![(5, "RUN apk add     curl     git"), (10, "COPY . /app")]
    );
    assert_eq!(file.stages[0].line, 3);
    assert_eq!(
        file.stages[0].instructions[0].value,
        Instruction::Run(ShellOrExec::Shell("apk add     curl     git".into()))
    );
    // An escaped escape at the end does not continue the line.
    let file = ok("FROM a\nRUN echo a\\\\\nRUN echo b\n");
    assert_eq!(file.stages[0].instructions.len(), 2);
    // A continuation at the end of the file just ends the instruction.
    let located = only("FROM a\nRUN echo \\");
    assert_eq!(located.text, "RUN echo");
    // CRLF line endings.
    let located = only("FROM a\r\nRUN echo hi \\\r\n  there\r\n");
    assert_eq!(
        located.value,
        Instruction::Run(ShellOrExec::Shell("echo hi   there".into()))
    );
    // `#` after the start of a line is not a comment.
    assert_eq!(
        instr("RUN echo a # b"),
        Instruction::Run(ShellOrExec::Shell("echo a # b".into()))
    );
}

#[test]
fn errors_point_at_the_start_of_a_continued_instruction() {
    let e = fails("FROM a\nRUN true\nRUNN echo \\\n  hi\n");
    assert_eq!(e.line, 3);
    assert_eq!(
        e.to_string(),
        "dockerfile parse error on line 3: unknown instruction: RUNN (did you mean RUN?)"
    );
    let e = fails("FROM a\nCOPY \\\n  onlyone\nRUN x\n");
    assert_eq!(e.line, 2);
}

#[test]
fn escape_directive() {
    let file = ok("# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir c:\\ `\n  /s\n");
    assert_eq!(file.escape, '`');
    assert_eq!(
        file.stages[0].instructions[0].value,
        Instruction::Run(ShellOrExec::Shell("dir c:\\   /s".into()))
    );
    assert_eq!(file.stages[0].instructions[0].line, 3);
    // After another comment the directive is just a comment.
    let file = ok("# hello\n# escape=`\nFROM a\nRUN x \\\n y\n");
    assert_eq!(file.escape, '\\');
    assert_eq!(file.stages[0].instructions[0].text, "RUN x  y");
    let e = fails("# escape=x\nFROM a\n");
    assert_eq!((e.kind, e.line), (ErrorKind::Directive, 1));
    assert_eq!(
        e.to_string(),
        "invalid escape token 'x' does not match ` or \\"
    );
    let e = fails("# escape=`\n# escape=\\\nFROM a\n");
    assert_eq!(
        (e.line, e.to_string().as_str()),
        (2, "only one escape parser directive can be used")
    );
    assert_eq!(ok("# syntax=docker/dockerfile:1\nFROM a\n").stages.len(), 1);
}

#[test]
fn unknown_instruction_suggestions() {
    assert_eq!(
        fails("FROM a\nRUNN x\n").to_string(),
        "dockerfile parse error on line 2: unknown instruction: RUNN (did you mean RUN?)"
    );
    assert_eq!(
        fails("FROM a\ncopyy a b\n").message,
        "unknown instruction: copyy (did you mean copy?)"
    );
    assert_eq!(
        fails("FROM a\nEnvv a=b\n").message,
        "unknown instruction: Envv (did you mean env?)"
    );
    assert_eq!(
        fails("FROM a\nINSTALL curl\n").message,
        "unknown instruction: INSTALL"
    );
    // Unknown instructions are reported even before the first FROM.
    assert_eq!(
        fails("FORM alpine\n").message,
        "unknown instruction: FORM (did you mean FROM?)"
    );
}

#[test]
fn from_argument_count() {
    for text in [
        "FROM\n",
        "FROM a b\n",
        "FROM a AS\n",
        "FROM a AS b c\n",
        "FROM a AS b # comment\n",
    ] {
        let e = fails(text);
        assert_eq!(e.line, 1, "{text:?}");
        assert_eq!(
            e.to_string(),
            "dockerfile parse error on line 1: FROM requires either one or three arguments"
        );
    }
    assert_eq!(
        fails("FROM a AS 1st\n").message,
        "invalid name for build stage: \"1st\", name can't start with a number or contain symbols"
    );
}

#[test]
fn stages_and_empty_files() {
    let e = fails("");
    assert_eq!(
        (e.kind, e.to_string().as_str()),
        (ErrorKind::Empty, "the Dockerfile cannot be empty")
    );
    let e = fails("\n# only a comment\n   \n");
    assert_eq!(
        (e.kind, e.to_string().as_str()),
        (ErrorKind::NoInstructions, "file with no instructions")
    );
    let e = fails("ARG A=1\n");
    assert_eq!(
        (e.kind, e.to_string().as_str()),
        (
            ErrorKind::NoStages,
            "dockerfile contains no stages to build"
        )
    );
    let e = fails("ARG A=1\n\nRUN echo hi\nFROM alpine\n");
    assert_eq!(e.kind, ErrorKind::NoBuildStage);
    assert_eq!(e.line, 3);
    assert_eq!(e.to_string(), "no build stage in current context");
    let e = fails("ENV A=1\nFROM alpine\n");
    assert_eq!(
        (e.line, e.to_string().as_str()),
        (1, "no build stage in current context")
    );
}

#[test]
fn multi_stage() {
    let file = ok("FROM golang AS build\nRUN go build -o /app\n\nFROM alpine\nCOPY --from=build /app /app\nCMD [\"/app\"]\n");
    assert_eq!(file.stages.len(), 2);
    assert_eq!(file.stages[0].instructions.len(), 1);
    assert_eq!(file.stages[1].line, 4);
    assert_eq!(file.stages[1].instructions[0].line, 5);
}

#[test]
fn bom_and_leading_whitespace() {
    let file = ok("\u{feff}FROM a\n   RUN x\n\tCMD y\n");
    assert_eq!(file.stages[0].instructions.len(), 2);
}

#[test]
fn values_round_trip_through_serde() {
    let file = ok("ARG V=1\nFROM a:$V AS b\nENV A=1\nFROM b\nCOPY --from=0 x y\n");
    let json = serde_json::to_string(&file).unwrap();
    let back: Dockerfile = serde_json::from_str(&json).unwrap();
    assert_eq!(back, file);
    let e = fails("FROM a\nRUNN x\n");
    let back: DockerfileError = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
    assert_eq!(back, e);
}

mod no_panics {
    use super::super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn parse_never_panics(text in any::<String>()) {
            let _ = parse(&text);
        }

        #[test]
        fn parse_dockerfile_like_text_never_panics(
            text in "(FROM|RUN|COPY|ENV|ARG|CMD|LABEL|HEALTHCHECK|SHELL|VOLUME|ONBUILD|EOF|<<-|\t|# escape=|[a-z]| |\\\\|`|\n|\"|'|\\[|\\]|=|--from|--|\\$|\\{|\\}|<<|,|:|#)*"
        ) {
            let _ = parse(&text);
            let _ = parse(&format!("FROM a\n{text}"));
        }
    }
}
