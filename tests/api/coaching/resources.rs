//! The learning library: only hr_admin manages it (a manager and an integration are
//! refused), only `https://` URLs with a host go in, everyone reads it by topic and page;
//! templates list resources, which a meeting started from the template shows its two
//! participants and nobody else; and a fresh database starts with three starter templates.

use serde_json::{Value, json};

use crate::db_test;
use crate::support::{Answer, Backend, Org, STARTER_TEMPLATES, assert_bad_input, at};

const CREATE: &str = "mutation($input: LearningResourceInput!) {
  createLearningResource(input: $input) {
    resource { id title url description topics createdAt updatedAt }
  }
}";

const UPDATE: &str = "mutation($input: UpdateLearningResourceInput!) {
  updateLearningResource(input: $input) { resource { id title url description topics } }
}";

const DELETE: &str =
    "mutation($id: ID!) { deleteLearningResource(input: { id: $id }) { deletedId } }";

const LIBRARY: &str = "query($topic: TopicCategory, $first: Int, $after: String) {
  learningResources(topic: $topic, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { title topics }
  }
}";

fn resource(title: &str, topics: &[&str]) -> Value {
    json!({
        "title": title,
        "url": format!("https://example.com/{}", title.to_lowercase().replace(' ', "-")),
        "description": format!("{title}, explained"),
        "topics": topics,
    })
}

/// hr adds a resource; returns its ID.
async fn add(org: &Org, title: &str, topics: &[&str]) -> String {
    org.gql("hr", CREATE, json!({ "input": resource(title, topics) }))
        .await
        .ok()
        .data("/createLearningResource/resource/id")
        .as_str()
        .expect("id")
        .into()
}

/// The titles of the library as `who` reads it, whole.
async fn titles(org: &Org, who: &str) -> Vec<String> {
    let answer = org.gql(who, LIBRARY, json!({ "first": 100 })).await.ok();
    names(answer.data("/learningResources/nodes"), "title")
}

fn names(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|n| n[field].as_str().expect("name").to_string())
        .collect()
}

db_test!(only_hr_admin_adds_changes_and_removes_resources);
async fn only_hr_admin_adds_changes_and_removes_resources(backend: Backend) {
    let org = Org::spawn(backend).await;
    let kept = add(&org, "Kept", &["CAREER"]).await;
    let input = resource("Sneaked in", &["FEEDBACK"]);
    let mut change = resource("Hijacked", &[]);
    change["id"] = json!(kept);

    let mut refused: Vec<(String, Answer)> = Vec::new();
    for who in ["em1", "cto", "dev1"] {
        refused.push((
            format!("{who} creating"),
            org.gql(who, CREATE, json!({ "input": input })).await,
        ));
        refused.push((
            format!("{who} updating"),
            org.gql(who, UPDATE, json!({ "input": change })).await,
        ));
        refused.push((
            format!("{who} deleting"),
            org.gql(who, DELETE, json!({ "id": kept })).await,
        ));
    }
    refused.push((
        "an integration creating".into(),
        org.admin(CREATE, json!({ "input": input })).await,
    ));
    refused.push((
        "an integration updating".into(),
        org.admin(UPDATE, json!({ "input": change })).await,
    ));
    refused.push((
        "an integration deleting".into(),
        org.admin(DELETE, json!({ "id": kept })).await,
    ));
    let after_refusals = titles(&org, "dev1").await;

    let created = org
        .gql(
            "hr",
            CREATE,
            json!({ "input": resource("Radical Candor", &["FEEDBACK", "CAREER", "FEEDBACK"]) }),
        )
        .await
        .ok();
    let new_id = created.data("/createLearningResource/resource/id").clone();
    let updated = org
        .gql(
            "hr",
            UPDATE,
            json!({ "input": {
                "id": new_id, "title": "  Radical Candor, 2nd ed.  ",
                "url": "https://example.com/candor-2", "topics": ["WELLBEING"],
            } }),
        )
        .await
        .ok();
    let deleted = org.gql("hr", DELETE, json!({ "id": kept })).await.ok();
    let deleted_again = org.gql("hr", DELETE, json!({ "id": kept })).await;

    for (what, answer) in &refused {
        assert_eq!(
            answer.error_codes(),
            ["FORBIDDEN"],
            "{what}: {}",
            answer.body
        );
    }
    assert_eq!(after_refusals, ["Kept"], "a refused write changes nothing");
    assert_eq!(
        created.data("/createLearningResource/resource/topics"),
        &json!(["CAREER", "FEEDBACK"]),
        "each topic once, in the enum's order"
    );
    assert_eq!(
        created.data("/createLearningResource/resource/description"),
        "Radical Candor, explained"
    );
    assert_eq!(
        updated.data("/updateLearningResource/resource"),
        &json!({
            "id": new_id, "title": "Radical Candor, 2nd ed.",
            "url": "https://example.com/candor-2", "description": null,
            "topics": ["WELLBEING"],
        }),
        "an update replaces the whole resource"
    );
    assert_eq!(
        deleted.data("/deleteLearningResource/deletedId"),
        &json!(kept)
    );
    deleted_again.assert_error_code("NOT_FOUND");
    assert_eq!(titles(&org, "acct").await, ["Radical Candor, 2nd ed."]);
}

db_test!(only_https_urls_with_a_host_go_into_the_library);
async fn only_https_urls_with_a_host_go_into_the_library(backend: Backend) {
    let org = Org::spawn(backend).await;
    let kept = add(&org, "Kept", &[]).await;
    let refused_urls = [
        ("http://example.com/guide", "https://"),
        ("ftp://example.com/guide", "https://"),
        ("example.com/guide", "not a valid URL"),
        ("https://", "not a valid URL"),
        ("not a url at all", "not a valid URL"),
        ("", "https://"),
        (
            "https://user:secret@example.com/guide",
            "user name or password",
        ),
    ];

    let mut answers = Vec::new();
    for (url, _) in &refused_urls {
        let mut input = resource("Refused", &[]);
        input["url"] = json!(url);
        let created = org.gql("hr", CREATE, json!({ "input": input })).await;
        input["id"] = json!(kept);
        let updated = org.gql("hr", UPDATE, json!({ "input": input })).await;
        answers.push((created, updated));
    }

    for ((url, says), (created, updated)) in refused_urls.iter().zip(&answers) {
        for answer in [created, updated] {
            assert_bad_input(answer, "input.url");
            let message = answer.body["errors"][0]["message"].as_str().unwrap_or("");
            assert!(
                message.contains(says),
                "{url:?}: the message says why ({says}): {message}"
            );
        }
    }
    let library = org.gql("dev1", LIBRARY, json!({})).await.ok();
    assert_eq!(
        library.data("/learningResources/nodes"),
        &json!([{ "title": "Kept", "topics": [] }]),
        "nothing refused was stored or changed"
    );
}

db_test!(anyone_reads_the_library_by_topic_a_page_at_a_time);
async fn anyone_reads_the_library_by_topic_a_page_at_a_time(backend: Backend) {
    let org = Org::spawn(backend).await;
    add(&org, "E: Listening", &["WELLBEING", "FEEDBACK"]).await;
    add(&org, "A: Career ladders", &["CAREER"]).await;
    add(&org, "D: Feedback that lands", &["FEEDBACK"]).await;
    add(&org, "C: Beyond status updates", &["STRATEGIC", "TACTICAL"]).await;
    add(
        &org,
        "B: Growth plans",
        &["CAREER", "FEEDBACK", "WELLBEING"],
    )
    .await;
    add(&org, "F: No topic", &[]).await;

    let feedback = org
        .gql("dev3", LIBRARY, json!({ "topic": "FEEDBACK" }))
        .await
        .ok();
    let tactical = org
        .gql("dev3", LIBRARY, json!({ "topic": "TACTICAL" }))
        .await
        .ok();
    let other = org
        .gql("dev3", LIBRARY, json!({ "topic": "OTHER" }))
        .await
        .ok();
    let mut pages = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = org
            .gql("acct", LIBRARY, json!({ "first": 2, "after": after }))
            .await
            .ok();
        let more = page.data("/learningResources/pageInfo/hasNextPage") == true;
        after = page.data("/learningResources/pageInfo/endCursor").clone();
        pages.push(names(page.data("/learningResources/nodes"), "title"));
        assert_eq!(page.data("/learningResources/totalCount"), 6);
        if !more {
            break;
        }
    }
    let topic_page = org
        .gql("dev1", LIBRARY, json!({ "topic": "CAREER", "first": 1 }))
        .await
        .ok();
    let by_integration = org
        .app
        .gql(
            Some(&org.app.integration_token("meetings:read")),
            LIBRARY,
            json!({ "topic": "CAREER" }),
        )
        .await
        .ok();
    let anonymous = org.app.gql(None, LIBRARY, json!({})).await;
    let too_many = org.gql("dev1", LIBRARY, json!({ "first": 101 })).await;

    assert_eq!(
        names(feedback.data("/learningResources/nodes"), "title"),
        ["B: Growth plans", "D: Feedback that lands", "E: Listening"],
        "the topic wherever it stands in the list, by title"
    );
    assert_eq!(feedback.data("/learningResources/totalCount"), 3);
    assert_eq!(
        names(tactical.data("/learningResources/nodes"), "title"),
        ["C: Beyond status updates"]
    );
    assert_eq!(other.data("/learningResources/totalCount"), 0);
    assert_eq!(
        pages,
        [
            vec!["A: Career ladders", "B: Growth plans"],
            vec!["C: Beyond status updates", "D: Feedback that lands"],
            vec!["E: Listening", "F: No topic"],
        ]
    );
    assert_eq!(
        topic_page.data("/learningResources"),
        &json!({
            "totalCount": 2,
            "pageInfo": {
                "hasNextPage": true,
                "endCursor": topic_page.data("/learningResources/pageInfo/endCursor"),
            },
            "nodes": [{ "title": "A: Career ladders", "topics": ["CAREER"] }],
        })
    );
    assert_eq!(
        names(by_integration.data("/learningResources/nodes"), "title"),
        ["A: Career ladders", "B: Growth plans"],
        "an integration reads the library too"
    );
    anonymous.assert_error_code("UNAUTHENTICATED");
    assert_bad_input(&too_many, "first");
}

const CREATE_TEMPLATE: &str = "mutation($input: AgendaTemplateInput!) {
  createAgendaTemplate(input: $input) { template { id resources { title } } }
}";

const UPDATE_TEMPLATE: &str = "mutation($id: ID!, $input: AgendaTemplateInput!) {
  updateAgendaTemplate(input: { id: $id, template: $input }) { template { resources { title } } }
}";

const MEETING_RESOURCES: &str = "query($id: ID!) {
  meeting(id: $id) { id template { name } resources { title url } }
}";

/// The meeting as `who` sees it: `null` when they cannot see it at all.
async fn meeting_as(org: &Org, who: &str, meeting: &str) -> Value {
    org.gql(who, MEETING_RESOURCES, json!({ "id": meeting }))
        .await
        .ok()
        .data("/meeting")
        .clone()
}

db_test!(a_meeting_shows_its_templates_resources_to_its_participants_only);
async fn a_meeting_shows_its_templates_resources_to_its_participants_only(backend: Backend) {
    let org = Org::spawn(backend).await;
    let listening = add(&org, "Listening", &["WELLBEING"]).await;
    let ladders = add(&org, "Career ladders", &["CAREER"]).await;
    let company = org
        .gql(
            "hr",
            CREATE_TEMPLATE,
            json!({ "input": {
                "name": "Company 1:1", "orgWide": true, "items": [],
                "resourceIds": [ladders, listening, ladders],
            } }),
        )
        .await
        .ok();
    let company_id = company.data("/createAgendaTemplate/template/id").clone();
    // em1's own template: dev1 may not see it, but sees the resources of a meeting from it.
    let erins = org
        .gql(
            "em1",
            CREATE_TEMPLATE,
            json!({ "input": {
                "name": "Erin's", "items": [{ "text": "Growth", "category": "CAREER" }],
                "resourceIds": [listening],
            } }),
        )
        .await
        .ok();
    let erins_id = erins.data("/createAgendaTemplate/template/id").clone();
    let mut input = org.input("em1", "dev1", &at("2024-03-04"), "HELD");
    input["templateId"] = company_id.clone();
    let from_company = org.log(input).await;
    let mut input = org.input("em1", "dev1", &at("2024-03-11"), "HELD");
    input["templateId"] = erins_id.clone();
    let from_erins = org.log(input).await;
    let without = org.meet("em1", "dev1", &at("2024-03-18"), "HELD").await;

    let dev1 = meeting_as(&org, "dev1", &from_company).await;
    let em1 = meeting_as(&org, "em1", &from_company).await;
    let dev1_personal = meeting_as(&org, "dev1", &from_erins).await;
    let dev1_without = meeting_as(&org, "dev1", &without).await;
    let mut outsiders = Vec::new();
    for who in ["cto", "ceo", "hr"] {
        outsiders.push((who, meeting_as(&org, who, &from_company).await));
    }
    let integration = org
        .admin(MEETING_RESOURCES, json!({ "id": from_company }))
        .await
        .ok()
        .data("/meeting")
        .clone();
    let dev2 = meeting_as(&org, "dev2", &from_company).await;
    let listed = org
        .gql(
            "dev2",
            "query($id: ID!) { meetings(filter: { personId: $id }) { nodes { resources { title } } } }",
            json!({ "id": org.id("dev1") }),
        )
        .await
        .ok();
    let many = org
        .gql(
            "em1",
            "{ meetings(first: 10) { nodes { resources { title } } } }",
            json!({}),
        )
        .await
        .ok();

    let company_resources = json!([
        { "title": "Career ladders", "url": "https://example.com/career-ladders" },
        { "title": "Listening", "url": "https://example.com/listening" },
    ]);
    assert_eq!(
        company.data("/createAgendaTemplate/template/resources"),
        &json!([{ "title": "Career ladders" }, { "title": "Listening" }]),
        "in the order given, each once"
    );
    assert_eq!(dev1["resources"], company_resources);
    assert_eq!(em1["resources"], company_resources);
    assert_eq!(
        dev1_personal,
        json!({
            "id": from_erins, "template": null,
            "resources": [{ "title": "Listening", "url": "https://example.com/listening" }],
        }),
        "a participant sees the resources even of a template that is not theirs"
    );
    assert_eq!(
        dev1_without["resources"],
        json!([]),
        "no template, no resources"
    );
    for (who, seen) in &outsiders {
        assert!(seen["id"].is_string(), "{who} sees the meeting: {seen}");
        assert_eq!(
            seen["resources"],
            Value::Null,
            "{who} may see the meeting but not its agenda"
        );
    }
    assert!(integration["id"].is_string());
    assert_eq!(
        integration["resources"],
        Value::Null,
        "nor may an integration"
    );
    assert_eq!(
        dev2,
        Value::Null,
        "dev2 does not see em1 and dev1's meeting"
    );
    assert_eq!(listed.data("/meetings/nodes"), &json!([]));
    let lists: Vec<&Value> = many
        .data("/meetings/nodes")
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["resources"])
        .collect();
    assert_eq!(lists.len(), 3);
    assert!(lists.iter().all(|r| r.is_array()), "{lists:?}");
}

db_test!(templates_keep_replace_and_lose_their_resources);
async fn templates_keep_replace_and_lose_their_resources(backend: Backend) {
    let org = Org::spawn(backend).await;
    let listening = add(&org, "Listening", &[]).await;
    let ladders = add(&org, "Career ladders", &[]).await;
    let created = org
        .gql(
            "em1",
            CREATE_TEMPLATE,
            json!({ "input": { "name": "Mine", "items": [], "resourceIds": [listening] } }),
        )
        .await
        .ok();
    let template = created.data("/createAgendaTemplate/template/id").clone();
    let mut input = org.input("em1", "dev1", &at("2024-03-04"), "HELD");
    input["templateId"] = template.clone();
    let meeting = org.log(input).await;
    let update = |resources: Value| {
        let mut content = json!({ "name": "Mine", "items": [] });
        if !resources.is_null() {
            content["resourceIds"] = resources;
        }
        json!({ "id": template, "input": content })
    };

    let kept = org
        .gql("em1", UPDATE_TEMPLATE, update(Value::Null))
        .await
        .ok();
    let replaced = org
        .gql("em1", UPDATE_TEMPLATE, update(json!([ladders, listening])))
        .await
        .ok();
    let unknown = org
        .gql(
            "em1",
            UPDATE_TEMPLATE,
            update(json!([ladders, "TGVhcm5pbmdSZXNvdXJjZTo5ODc2NTQz"])),
        )
        .await;
    let wrong_kind = org
        .gql("em1", UPDATE_TEMPLATE, update(json!([org.id("dev1")])))
        .await;
    let after_rejections = meeting_as(&org, "dev1", &meeting).await;
    org.gql("hr", DELETE, json!({ "id": ladders })).await.ok();
    let after_delete = meeting_as(&org, "dev1", &meeting).await;
    let cleared = org
        .gql("em1", UPDATE_TEMPLATE, update(json!([])))
        .await
        .ok();

    assert_eq!(
        kept.data("/updateAgendaTemplate/template/resources"),
        &json!([{ "title": "Listening" }]),
        "resourceIds left out: unchanged"
    );
    assert_eq!(
        replaced.data("/updateAgendaTemplate/template/resources"),
        &json!([{ "title": "Career ladders" }, { "title": "Listening" }])
    );
    assert_bad_input(&unknown, "input.resourceIds[1]");
    assert_bad_input(&wrong_kind, "input.resourceIds[0]");
    assert_eq!(
        names(&after_rejections["resources"], "title"),
        ["Career ladders", "Listening"],
        "a refused update changes nothing"
    );
    assert_eq!(
        names(&after_delete["resources"], "title"),
        ["Listening"],
        "a deleted resource leaves every template"
    );
    assert_eq!(
        cleared.data("/updateAgendaTemplate/template/resources"),
        &json!([])
    );
}

db_test!(a_fresh_database_starts_with_three_starter_templates);
async fn a_fresh_database_starts_with_three_starter_templates(backend: Backend) {
    let org = Org::spawn(backend).await;
    let query = "{ agendaTemplates(first: 100) {
      totalCount nodes { id name description kind orgWide items { text category } resources { title } }
    } }";

    let listed = org.gql("dev1", query, json!({})).await.ok();
    let by_integration = org.admin(query, json!({})).await.ok();
    let templates = listed
        .data("/agendaTemplates/nodes")
        .as_array()
        .unwrap()
        .clone();
    let direct = templates
        .iter()
        .find(|t| t["name"] == "Starter: direct 1:1")
        .expect("a direct 1:1 starter")
        .clone();
    let renamed = org
        .gql(
            "hr",
            "mutation($id: ID!) { updateAgendaTemplate(input: { id: $id, template: {
               name: \"Our 1:1\", orgWide: true, items: [{ text: \"Wins\", category: OTHER }] } }) {
               template { name orgWide items { text } } } }",
            json!({ "id": direct["id"] }),
        )
        .await
        .ok();
    let by_manager = org
        .gql(
            "em1",
            "mutation($id: ID!) { deleteAgendaTemplate(input: { id: $id }) { deletedId } }",
            json!({ "id": templates[0]["id"] }),
        )
        .await;
    let deleted = org
        .gql(
            "hr",
            "mutation($id: ID!) { deleteAgendaTemplate(input: { id: $id }) { deletedId } }",
            json!({ "id": templates[0]["id"] }),
        )
        .await
        .ok();
    let after = org.gql("dev1", query, json!({})).await.ok();

    assert_eq!(listed.data("/agendaTemplates/totalCount"), 3);
    assert_eq!(names(&json!(templates), "name"), STARTER_TEMPLATES);
    let kinds: Vec<&Value> = templates.iter().map(|t| &t["kind"]).collect();
    assert_eq!(
        kinds,
        [&Value::Null, &json!("DIRECT"), &json!("SKIP_LEVEL")]
    );
    for t in &templates {
        assert_eq!(t["orgWide"], true, "{t}");
        assert!(
            t["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{t}"
        );
        assert_eq!(t["resources"], json!([]), "{t}");
        let items = t["items"].as_array().unwrap();
        assert!((5..=6).contains(&items.len()), "{t}");
        let categories: std::collections::BTreeSet<&str> = items
            .iter()
            .map(|i| i["category"].as_str().unwrap())
            .collect();
        assert!(categories.len() >= 3, "a mix of categories: {t}");
    }
    let check_in = &templates[0];
    assert_eq!(
        check_in["items"][0],
        json!({ "text": "How are your 1:1s with your reports going?", "category": "FEEDBACK" })
    );
    assert_eq!(
        by_integration.data("/agendaTemplates/totalCount"),
        3,
        "org-wide: everyone sees them"
    );
    assert_eq!(
        renamed.data("/updateAgendaTemplate/template"),
        &json!({ "name": "Our 1:1", "orgWide": true, "items": [{ "text": "Wins" }] })
    );
    by_manager.assert_error_code("FORBIDDEN");
    assert_eq!(
        deleted.data("/deleteAgendaTemplate/deletedId"),
        &templates[0]["id"]
    );
    assert_eq!(
        names(after.data("/agendaTemplates/nodes"), "name"),
        ["Our 1:1", "Starter: skip-level 1:1"]
    );
}

db_test!(resources_of_a_page_of_meetings_cost_the_same_statements_for_any_number);
async fn resources_of_a_page_of_meetings_cost_the_same_statements_for_any_number(backend: Backend) {
    let org = Org::spawn(backend).await;
    let query = "{ meetings(first: 50) {
      nodes { resources { title } template { resources { title } } }
    } }";
    // Logs a meeting of em1 and `guest` from a new org-wide template listing `resources`.
    let log_from_template = |guest: &'static str, day: String, resources: Vec<String>| {
        let org = &org;
        async move {
            let template = org
                .gql(
                    "hr",
                    CREATE_TEMPLATE,
                    json!({ "input": {
                        "name": format!("Template {day}"), "orgWide": true, "items": [],
                        "resourceIds": resources,
                    } }),
                )
                .await
                .ok()
                .data("/createAgendaTemplate/template/id")
                .clone();
            let mut input = org.input("em1", guest, &at(&day), "HELD");
            input["templateId"] = template;
            org.log(input).await;
        }
    };
    let first = add(&org, "First", &[]).await;
    log_from_template("dev1", "2024-03-01".into(), vec![first]).await;
    let statements = |org: &Org| org.app.statements();

    let before = statements(&org);
    let one = org.gql("em1", query, json!({})).await.ok();
    let for_one = statements(&org) - before;
    for i in 0..6 {
        let mut listed = Vec::new();
        for j in 0..3 {
            listed.push(add(&org, &format!("R{i}{j}"), &["CAREER"]).await);
        }
        let guest = if i % 2 == 0 { "dev1" } else { "dev2" };
        log_from_template(guest, format!("2024-04-1{i}"), listed).await;
    }
    let before = statements(&org);
    let many = org.gql("em1", query, json!({})).await.ok();
    let for_many = statements(&org) - before;

    let shown = |answer: &Answer| -> usize {
        answer
            .data("/meetings/nodes")
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["resources"].as_array().unwrap().len())
            .sum()
    };
    assert_eq!(shown(&one), 1);
    assert_eq!(shown(&many), 1 + 6 * 3);
    assert_eq!(
        for_one, for_many,
        "one statement per relation, whatever the number of meetings and resources"
    );
}
