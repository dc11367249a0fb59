//! Heredocs, ONBUILD and the line-length limit, against BuildKit's parser and its test corpus
//! (`parser_heredoc_test.go`, `parse_heredoc_test.go`).

use super::*;

fn steps(text: &str) -> Vec<Located<Instruction>> {
    match parse(text) {
        Ok(file) => file
            .stages
            .into_iter()
            .flat_map(|s| s.instructions)
            .collect(),
        Err(e) => panic!("{text:?} failed: {e}"),
    }
}

fn only(text: &str) -> Located<Instruction> {
    let mut all = steps(&format!("FROM alpine\n{text}"));
    assert_eq!(all.len(), 1, "{text:?}: {all:?}");
    all.remove(0)
}

fn run_script(text: &str) -> String {
    match only(text).value {
        Instruction::Run(ShellOrExec::Shell(script)) => script,
        other => panic!("{text:?}: {other:?}"),
    }
}

fn inline(text: &str) -> (Vec<String>, String, Vec<InlineFile>) {
    match only(text).value {
        Instruction::Copy {
            sources,
            dest,
            inline,
            ..
        }
        | Instruction::Add {
            sources,
            dest,
            inline,
            ..
        } => (sources, dest, inline),
        other => panic!("{text:?}: {other:?}"),
    }
}

fn file(name: &str, content: &str, expand: bool) -> InlineFile {
    InlineFile {
        name: name.into(),
        content: content.into(),
        expand,
    }
}

fn fails(text: &str) -> DockerfileError {
    match parse(text) {
        Ok(d) => panic!("{text:?} parsed: {d:?}"),
        Err(e) => e,
    }
}

#[test]
fn a_run_that_is_one_heredoc_runs_its_body() {
    let step = only("RUN <<EOF\napk add curl\necho done\nEOF\n");
    assert_eq!(
        step.value,
        Instruction::Run(ShellOrExec::Shell("apk add curl\necho done\n".into()))
    );
    assert_eq!(step.text, "RUN <<EOF (apk add curl...)");
    assert_eq!(step.line, 2);
    // A one-line body has no "...".
    assert_eq!(
        only("RUN <<EOF\necho hi\nEOF\n").text,
        "RUN <<EOF (echo hi)"
    );
    // Flags stay flags; the heredoc is still the whole command.
    assert_eq!(
        run_script("RUN --mount=type=cache,target=/foo <<MOUNT\necho hello\nMOUNT\n"),
        "echo hello\n"
    );
    // An empty body, and a file descriptor before <<.
    assert_eq!(run_script("RUN <<EMPTY\nEMPTY\n"), "");
    assert_eq!(run_script("RUN 3<<EMPTY2\nEMPTY2\n"), "");
    // Lines after the terminator are instructions again.
    let all = steps("FROM a\nRUN <<EOF\nx\nEOF\nRUN y\n");
    assert_eq!(all.len(), 2);
    assert_eq!(all[1].line, 5);
}

#[test]
fn dash_strips_leading_tabs_from_body_and_terminator() {
    assert_eq!(
        run_script("RUN <<-UNINDENT\n\tbaz\n\tquux\n\tUNINDENT\n"),
        "baz\nquux\n"
    );
    // Without the dash, tabs stay and an indented terminator is body.
    assert_eq!(
        run_script("RUN <<INDENT\n\tfoo\n\tbar\nINDENT\n"),
        "\tfoo\n\tbar\n"
    );
}

#[test]
fn other_runs_hand_the_heredocs_to_the_shell() {
    assert_eq!(
        run_script("RUN cat <<EOF > /greeting\nhello $NAME\nEOF\n"),
        "cat <<EOF > /greeting\nhello $NAME\nEOF"
    );
    assert_eq!(
        run_script("RUN <<COMPLEX python3\nprint('hello world')\nCOMPLEX\n"),
        "<<COMPLEX python3\nprint('hello world')\nCOMPLEX"
    );
    // Two heredocs on one line: bodies in order, each with its terminator.
    assert_eq!(
        run_script("RUN cat <<A - <<B\none\nA\ntwo\nB\n"),
        "cat <<A - <<B\none\nA\ntwo\nB"
    );
    // The step keeps the line as written.
    assert_eq!(
        only("RUN cat <<EOF > /f\nx\nEOF\n").text,
        "RUN cat <<EOF > /f"
    );
}

#[test]
fn a_shebang_body_goes_to_its_interpreter() {
    assert_eq!(
        run_script("RUN <<EOF\n#!/bin/sh -e\necho $0\nEOF\n"),
        "/bin/sh -e <<'EOF'\necho $0\nEOF"
    );
}

#[test]
fn names_quoted_or_escaped_like_buildkit() {
    // BuildKit's corpus: the name with quotes removed; any quote turns expansion off.
    let cases = [
        ("<<eo'f'", "eof", false),
        ("<<eo\\'f", "eo'f", true),
        ("<<'e'o\\'f", "eo'f", false),
        ("<<\"EOF\"", "EOF", false),
        ("<<$EOF", "$EOF", true),
        ("<<file.txt", "file.txt", true),
    ];
    for (word, name, expand) in cases {
        let (_, _, files) = inline(&format!("COPY {word} /dest\nbody\n{name}\n"));
        assert_eq!(files, vec![file(name, "body\n", expand)], "{word}");
    }
    // COPY splits its arguments on blanks (so such names only work in RUN), as BuildKit does.
    assert_eq!(
        run_script("RUN <<'one two'\necho bar\none two\n"),
        "echo bar\n"
    );
    assert_eq!(run_script("RUN <<  EOF\necho bar\nEOF\n"), "echo bar\n");
    // `<<  EOF  > foo`: blanks after << belong to the word, the rest does not.
    assert_eq!(
        run_script("RUN <<  EOF  > foo\nx\nEOF\n"),
        "<<  EOF  > foo\nx\nEOF"
    );
}

#[test]
fn copy_and_add_take_inline_files() {
    assert_eq!(
        inline("COPY <<EOF /app/hello.sh\necho \"hi\" $USER\nEOF\n"),
        (
            vec![],
            "/app/hello.sh".to_string(),
            vec![file("EOF", "echo \"hi\" $USER\n", true)]
        )
    );
    assert_eq!(
        inline("COPY <<FILE1 <<FILE2 /dest/\ncontent 1\nFILE1\ncontent 2\nFILE2\n"),
        (
            vec![],
            "/dest/".to_string(),
            vec![
                file("FILE1", "content 1\n", true),
                file("FILE2", "content 2\n", true)
            ]
        )
    );
    // Each terminator ends only its own heredoc.
    assert_eq!(
        inline("COPY <<X <<Y /dest/\nY\nX\nX\nY\n").2,
        vec![file("X", "Y\n", true), file("Y", "X\n", true)]
    );
    // Paths and heredocs mixed; <<- chomps the file's lines.
    assert_eq!(
        inline("ADD a.txt <<-'EOT' /d/\n\tx $V\nEOT\n"),
        (
            vec!["a.txt".to_string()],
            "/d/".to_string(),
            vec![file("EOT", "x $V\n", false)]
        )
    );
}

#[test]
fn not_heredocs() {
    // Quoted, JSON form, or an instruction that takes none: the lines after are instructions.
    let all = steps("FROM a\nRUN echo \"<<EOF\"\nRUN [\"cat\", \"<<EOF\"]\nUSER <<INVALID\n");
    assert_eq!(all.len(), 3);
    assert_eq!(
        all[1].value,
        Instruction::Run(ShellOrExec::Exec(vec!["cat".into(), "<<EOF".into()]))
    );
    // `<<<` is a here-string, `<<` with nothing after it is no name.
    assert_eq!(steps("FROM a\nRUN cat <<<word\nRUN x <<\n").len(), 2);
}

#[test]
fn heredoc_errors() {
    let e = fails("FROM a\nRUN <<EOF\necho hi\n");
    assert_eq!((e.kind, e.line), (ErrorKind::Heredoc, 2));
    assert_eq!(e.to_string(), "unterminated heredoc");
    // BuildKit joins blanks after <<, so this opens a heredoc named b.
    assert_eq!(fails("FROM a\nRUN echo a << b\n").kind, ErrorKind::Heredoc);
    let e = fails("FROM a\nCOPY x <<EOF\nbody\nEOF\n");
    assert_eq!(
        e.to_string(),
        "dockerfile parse error on line 2: COPY cannot accept a heredoc as a destination"
    );
}

#[test]
fn onbuild_keeps_its_trigger_as_text() {
    let step = only("onbuild RUN echo built on $HOSTNAME\n");
    assert_eq!(step.text, "ONBUILD RUN echo built on $HOSTNAME");
    assert_eq!(
        step.value,
        Instruction::Onbuild("RUN echo built on $HOSTNAME".into())
    );
    // Heredoc bodies travel with the trigger, as BuildKit appends them.
    assert_eq!(
        only("ONBUILD COPY <<EOF /x\nhi\nEOF\n").value,
        Instruction::Onbuild("COPY <<EOF /x\nhi\nEOF".into())
    );
}

#[test]
fn onbuild_errors_in_buildkits_words() {
    let e = fails("FROM a\nONBUILD ONBUILD RUN x\n");
    assert_eq!(
        e.to_string(),
        "dockerfile parse error on line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"
    );
    for word in ["FROM", "from", "MAINTAINER"] {
        let e = fails(&format!("FROM a\nONBUILD {word} x\n"));
        assert_eq!(
            e.to_string(),
            format!(
                "dockerfile parse error on line 2: {} isn't allowed as an ONBUILD trigger",
                word.to_uppercase()
            )
        );
    }
    assert_eq!(
        fails("FROM a\nONBUILD\n").message,
        "ONBUILD requires at least one argument"
    );
}

#[test]
fn triggers_parse_back_into_instructions() {
    let step = parse_trigger("RUN <<EOF\necho hi\nEOF", 7).unwrap();
    assert_eq!(step.line, 7);
    assert_eq!(step.text, "ONBUILD RUN <<EOF (echo hi)");
    assert_eq!(
        step.value,
        Instruction::Run(ShellOrExec::Shell("echo hi\n".into()))
    );
    let e = parse_trigger("RUNN x", 3).unwrap_err();
    assert_eq!(
        e.to_string(),
        "dockerfile parse error on line 3: unknown instruction: RUNN (did you mean RUN?)"
    );
    assert_eq!(
        parse_trigger("RUN a\nRUN b", 1).unwrap_err().message,
        "onbuild trigger should be a single expression"
    );
}

#[test]
fn lines_longer_than_buildkits_scanner_are_refused() {
    let longest = "a".repeat(MAX_LINE_FOR_TESTS - "LABEL x=".len());
    assert_eq!(steps(&format!("FROM a\nLABEL x={longest}\n")).len(), 1);
    let e = fails(&format!(
        "\nFROM image\nLABEL test={}\n",
        "a".repeat(65_536)
    ));
    assert_eq!(
        e.to_string(),
        "dockerfile line greater than max allowed size of 65535"
    );
    assert_eq!((e.kind, e.line), (ErrorKind::LineTooLong, 2));
    // Nothing read before it: no instructions.
    assert_eq!(fails(&"a".repeat(70_000)).kind, ErrorKind::NoInstructions);
    // Inside a heredoc the body stops there, so the heredoc never ends.
    let e = fails(&format!("FROM a\nRUN <<EOF\n{}\nEOF\n", "b".repeat(65_536)));
    assert_eq!(e.kind, ErrorKind::Heredoc);
}

const MAX_LINE_FOR_TESTS: usize = 65_535;
