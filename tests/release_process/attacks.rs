//! The attacks on the release process, each refused with its diagnostic: an actor outside the
//! role, a hand edit of prod, a step that skips the chain, a forged record, a supplier's prod promotion riding the pull
//! request (under the supplier's name, then under a release manager's), a promotion out of an
//! environment failing E0603, and a private file that reaches prod.

use super::world::{JENKINS, World};
use super::{EVE, OLA, PER, refused};

/// Every attack, from a fresh world; each leaves `origin` as it was.
pub fn all(world: &World) {
    actor_outside_the_role(world);
    hand_edit_of_prod(world);
    skipping_the_chain(world);
    forged_record(world);
    prod_promotion_riding_the_pull_request(world);
    promotion_out_of_an_illegitimate_release(world);
    private_file_reaching_prod(world);
}

/// What `origin/BRANCH` points at.
fn tip(world: &World, branch: &str) -> String {
    world.git(JENKINS, &["fetch", "-q", "origin"]);
    world.git(JENKINS, &["rev-parse", &format!("origin/{branch}")])
}

/// A supplier asks for a privileged promotion: `ehp promote` refuses, and so does the job.
fn actor_outside_the_role(world: &World) {
    world.reset("master");
    let args = [
        "promote",
        "patient-journal",
        "--from",
        "inttest",
        "--to",
        "exttest",
        "--actor",
        EVE,
        "--path",
        "platform",
    ];
    let run = world.ehp(EVE, &args);
    refused(&run, "E0610", "an actor outside the role");
    world.keep("attack-actor", &format!("ehp {}", args.join(" ")), &run);
    assert_eq!(
        world.git(EVE, &["status", "--porcelain"]),
        "",
        "nothing changed"
    );
    let before = tip(world, "master");
    let job = world.job(
        EVE,
        "QA passed",
        "promote.sh",
        &["master", "inttest", "exttest", "patient-journal"],
    );
    refused(&job, "E0610", "the job started by someone outside the role");
    assert_eq!(tip(world, "master"), before, "nothing pushed");
}

/// A release manager edits prod's tag by hand on the prod branch: the gate names the commit.
fn hand_edit_of_prod(world: &World) {
    world.reset("prod");
    world.edit(
        "platform/apps/patient-journal.ehp",
        "    in prod {\n        tag = \"2.3.0\"",
        "    in prod {\n        tag = \"2.9.9\"",
    );
    world.git(OLA, &["commit", "-q", "-am", "prod: journal 2.9.9"]);
    let run = world.ehp(OLA, &["check", "platform", "--against", "origin/prod"]);
    refused(&run, "E0604", "a hand edit of prod");
    world.keep(
        "attack-hand-edit",
        "ehp check platform --against origin/prod",
        &run,
    );
    world.reset("prod");
}

/// A release goes from inttest straight into preprod, with a record that says so.
fn skipping_the_chain(world: &World) {
    world.reset("master");
    let name = "platform/apps/patient-journal.ehp";
    let text = world.read(name);
    let start = text.find("    in preprod {").expect("the preprod override");
    let end = start + text[start..].find("\n    }\n").expect("it closes");
    let preprod = text[start..end]
        .replace("\"2.3.1\"", "\"2.4.1\"")
        .replace("from = \"exttest\"", "from = \"inttest\"");
    world.write(
        name,
        &format!("{}{preprod}{}", &text[..start], &text[end..]),
    );
    world.git(
        PER,
        &["commit", "-q", "-am", "preprod: journal 2.4.1 from inttest"],
    );
    let run = world.gate("push-gate.sh", &["origin/master"]);
    refused(&run, "E0601", "a step that skips the chain");
    world.keep("attack-skip", "ci/push-gate.sh origin/master", &run);
    world.reset("master");
}

/// A release manager writes a record of a release preprod never ran.
fn forged_record(world: &World) {
    world.reset("prod");
    let name = "platform/apps/patient-journal.ehp";
    let text = world.read(name);
    let start = text.find("    in prod {").expect("the prod override");
    let (before, prod) = text.split_at(start);
    world.write(
        name,
        &format!("{before}{}", prod.replace("\"2.3.0\"", "\"2.6.0\"")),
    );
    world.git(OLA, &["commit", "-q", "-am", "prod: journal 2.6.0"]);
    let run = world.ehp(OLA, &["check", "platform", "--against", "origin/prod"]);
    refused(&run, "E0612", "a forged record");
    assert!(
        !run.output.contains("[E0603]"),
        "the record hides it from `check`: {run:?}"
    );
    world.keep(
        "attack-forged",
        "ehp check platform --against origin/prod",
        &run,
    );
    world.reset("prod");
}

/// A supplier promotes prod on master, naming a release manager as the actor: the push gate of
/// master refuses the supplier's commit; under a forged git identity it passes there, and the
/// pull request's gate refuses it.
fn prod_promotion_riding_the_pull_request(world: &World) {
    world.reset("master");
    let promote = [
        "promote",
        "patient-journal",
        "--from",
        "preprod",
        "--to",
        "prod",
        "--actor",
        OLA,
        "--path",
        "platform",
    ];
    assert_eq!(
        world.ehp(EVE, &promote).code,
        0,
        "ehp cannot tell who types --actor"
    );
    let build = ["build", "platform", "--out", "desired-state"];
    assert_eq!(world.ehp(EVE, &build).code, 0, "the desired state follows");
    world.git(EVE, &["add", "-A"]);
    world.git(EVE, &["commit", "-q", "-m", "prod: journal"]);
    let run = world.gate("push-gate.sh", &["origin/master"]);
    refused(&run, "E0610", "the supplier's own commit");
    world.keep("attack-riding-push", "ci/push-gate.sh origin/master", &run);
    world.git(
        OLA,
        &["commit", "-q", "--amend", "--reset-author", "--no-edit"],
    );
    let forged = world.gate("push-gate.sh", &["origin/master"]);
    assert_eq!(
        forged.code, 0,
        "a forged identity passes on master: {forged:?}"
    );
    world.git(OLA, &["push", "-q", "origin", "HEAD:master"]);
    world.reset("prod");
    world.git(
        EVE,
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge pull request #14 from master",
            "origin/master",
        ],
    );
    let run = world.gate("pr-gate.sh", &["prod"]);
    refused(&run, "E0613", "a prod promotion riding the pull request");
    world.keep("attack-riding-pr", "ci/pr-gate.sh prod", &run);
    assert!(world.read("desired-state.md").contains("#### Gate: failed"));
    world.reset("master");
    world.git(JENKINS, &["revert", "--no-edit", "HEAD"]);
    world.git(JENKINS, &["push", "-q", "origin", "HEAD:master"]);
}

/// preprod is edited by hand on master; promoting out of it is refused.
fn promotion_out_of_an_illegitimate_release(world: &World) {
    world.reset("master");
    world.edit(
        "platform/apps/notification-worker.ehp",
        "    in preprod {\n        tag = \"1.8.2\"",
        "    in preprod {\n        tag = \"1.8.9\"",
    );
    let args = [
        "promote",
        "notification-worker",
        "--from",
        "preprod",
        "--to",
        "prod",
        "--actor",
        OLA,
        "--path",
        "platform",
    ];
    let run = world.ehp(OLA, &args);
    refused(
        &run,
        "E0611",
        "a promotion out of an environment failing E0603",
    );
    world.keep(
        "attack-illegitimate",
        &format!("ehp {}", args.join(" ")),
        &run,
    );
    world.reset("master");
}

/// A developer's private file overrides `local` (and git ignores it); reaching prod is refused.
fn private_file_reaching_prod(world: &World) {
    world.reset("master");
    let private = "// Mine: git-ignored.\nin local {\n    patient-journal {\n        tag = \"2.6.0-dev.1\"\n        registry = \"localhost:5000\"\n    }\n}\n";
    world.write("platform/private.ehp", private);
    let run = world.ehp(
        EVE,
        &[
            "why",
            "local",
            "patient-journal",
            "registry",
            "--path",
            "platform",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.output.contains("platform/private.ehp"), "{run:?}");
    world.keep(
        "private",
        "ehp why local patient-journal registry --path platform",
        &run,
    );
    assert_eq!(
        world.git(EVE, &["status", "--porcelain"]),
        "",
        "git ignores the private file"
    );
    world.write(
        "platform/private.ehp",
        &private.replace("in local", "in prod"),
    );
    let run = world.ehp(EVE, &["check", "platform"]);
    refused(&run, "E0615", "a private file reaching prod");
    world.keep("attack-private", "ehp check platform", &run);
    std::fs::remove_file(world.work.join("platform/private.ehp")).expect("remove");
}
