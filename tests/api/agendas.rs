//! Agendas: a meeting's agenda items (add, edit, mark discussed, remove, reorder), action
//! items (owners, done and open again), what carries over from a pair's earlier meetings,
//! and agenda templates (personal and org-wide, who may manage and list them).

use serde_json::{Value, json};

use crate::db_test;
use crate::support::{Backend, Org, STARTER_TEMPLATES, assert_bad_input, at};

const ADD_AGENDA_ITEM: &str = "mutation($id: ID!, $text: String!, $category: TopicCategory!) {
  addAgendaItem(input: { meetingId: $id, text: $text, category: $category }) {
    item { id text category position discussed }
  }
}";

const UPDATE_AGENDA_ITEM: &str = "mutation($input: UpdateAgendaItemInput!) {
  updateAgendaItem(input: $input) { item { id text category position discussed } }
}";

const REORDER: &str = "mutation($id: ID!, $items: [ID!]!) {
  reorderAgendaItems(input: { meetingId: $id, itemIds: $items }) {
    meeting { agenda { text position } }
  }
}";

const AGENDA: &str = "query($id: ID!) { meeting(id: $id) { agenda { text position discussed } } }";

/// Adds an agenda item as `who`; returns its ID.
async fn add_item(org: &Org, who: &str, meeting: &str, text: &str, category: &str) -> String {
    org.gql(
        who,
        ADD_AGENDA_ITEM,
        json!({ "id": meeting, "text": text, "category": category }),
    )
    .await
    .ok()
    .data("/addAgendaItem/item/id")
    .as_str()
    .expect("id")
    .into()
}

/// The agenda as `(text, position)` pairs, as em1 sees it.
async fn agenda(org: &Org, meeting: &str) -> Vec<(String, i64)> {
    org.gql("em1", AGENDA, json!({ "id": meeting }))
        .await
        .ok()
        .data("/meeting/agenda")
        .as_array()
        .expect("agenda")
        .iter()
        .map(|i| {
            (
                i["text"].as_str().unwrap().to_string(),
                i["position"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn pairs(items: &[(&str, i64)]) -> Vec<(String, i64)> {
    items.iter().map(|(t, p)| (t.to_string(), *p)).collect()
}

db_test!(agenda_items_are_added_edited_and_marked_discussed);
async fn agenda_items_are_added_edited_and_marked_discussed(backend: Backend) {
    let org = Org::spawn(backend).await;
    let meeting = org.meet("em1", "dev1", &at("2024-03-04"), "HELD").await;
    add_item(&org, "em1", &meeting, "Roadmap", "STRATEGIC").await;
    let second = add_item(&org, "dev1", &meeting, "Deploys", "TACTICAL").await;

    let edited = org
        .gql(
            "dev1",
            UPDATE_AGENDA_ITEM,
            json!({ "input": { "id": second, "text": "Deploy pain", "category": "FEEDBACK" } }),
        )
        .await
        .ok();
    let discussed = org
        .gql(
            "em1",
            UPDATE_AGENDA_ITEM,
            json!({ "input": { "id": second, "discussed": true } }),
        )
        .await
        .ok();
    let empty = org
        .gql(
            "em1",
            UPDATE_AGENDA_ITEM,
            json!({ "input": { "id": second, "text": "   " } }),
        )
        .await;
    let empty_new = org
        .gql(
            "em1",
            ADD_AGENDA_ITEM,
            json!({ "id": meeting, "text": "", "category": "OTHER" }),
        )
        .await;

    assert_eq!(
        edited.data("/updateAgendaItem/item"),
        &json!({
            "id": second, "text": "Deploy pain", "category": "FEEDBACK",
            "position": 1, "discussed": false,
        })
    );
    assert_eq!(
        discussed.data("/updateAgendaItem/item"),
        &json!({
            "id": second, "text": "Deploy pain", "category": "FEEDBACK",
            "position": 1, "discussed": true,
        }),
        "fields left out stay"
    );
    assert_bad_input(&empty, "input.text");
    assert_bad_input(&empty_new, "input.text");
    let stored = org.gql("dev1", AGENDA, json!({ "id": meeting })).await.ok();
    assert_eq!(
        stored.data("/meeting/agenda"),
        &json!([
            { "text": "Roadmap", "position": 0, "discussed": false },
            { "text": "Deploy pain", "position": 1, "discussed": true },
        ])
    );
}

db_test!(agenda_items_are_reordered_and_removed);
async fn agenda_items_are_reordered_and_removed(backend: Backend) {
    let org = Org::spawn(backend).await;
    let meeting = org.meet("em1", "dev1", &at("2024-03-04"), "HELD").await;
    let other = org.meet("em1", "dev2", &at("2024-03-05"), "HELD").await;
    let one = add_item(&org, "em1", &meeting, "One", "STRATEGIC").await;
    let two = add_item(&org, "em1", &meeting, "Two", "CAREER").await;
    let three = add_item(&org, "dev1", &meeting, "Three", "WELLBEING").await;
    let elsewhere = add_item(&org, "em1", &other, "Elsewhere", "OTHER").await;

    let reordered = org
        .gql(
            "dev1",
            REORDER,
            json!({ "id": meeting, "items": [three, one, two] }),
        )
        .await
        .ok();
    let wrong_sets = [
        json!([three, one]),
        json!([three, one, two, elsewhere]),
        json!([three, one, one]),
        json!([three, one, two, two]),
        json!([three, one, elsewhere]),
    ];
    let mut rejected = Vec::new();
    for items in &wrong_sets {
        rejected.push(
            org.gql("em1", REORDER, json!({ "id": meeting, "items": items }))
                .await,
        );
    }
    let after_rejections = agenda(&org, &meeting).await;
    let removed = org
        .gql(
            "em1",
            "mutation($id: ID!) { removeAgendaItem(input: { id: $id }) { meeting { agenda { text position } } } }",
            json!({ "id": one }),
        )
        .await
        .ok();
    add_item(&org, "em1", &meeting, "Four", "FEEDBACK").await;

    assert_eq!(
        reordered.data("/reorderAgendaItems/meeting/agenda"),
        &json!([
            { "text": "Three", "position": 0 },
            { "text": "One", "position": 1 },
            { "text": "Two", "position": 2 },
        ])
    );
    for (answer, items) in rejected.iter().zip(&wrong_sets) {
        assert!(answer.body["data"].is_null(), "{items}: {}", answer.body);
        assert_bad_input(answer, "input.itemIds");
    }
    assert_eq!(
        after_rejections,
        pairs(&[("Three", 0), ("One", 1), ("Two", 2)]),
        "a rejected order changes nothing"
    );
    assert_eq!(
        removed.data("/removeAgendaItem/meeting/agenda"),
        &json!([
            { "text": "Three", "position": 0 },
            { "text": "Two", "position": 1 },
        ]),
        "positions stay zero-based places on the agenda"
    );
    assert_eq!(
        agenda(&org, &meeting).await,
        pairs(&[("Three", 0), ("Two", 1), ("Four", 2)])
    );
    assert_eq!(agenda(&org, &other).await, pairs(&[("Elsewhere", 0)]));
}

const ADD_ACTION_ITEM: &str = "mutation($input: AddActionItemInput!) {
  addActionItem(input: $input) { item { id text owner { externalId } dueOn done } }
}";

const SET_DONE: &str = "mutation($id: ID!, $done: Boolean!) {
  done: completeActionItem(input: { id: $id }) @include(if: $done) { item { id done } }
  open: reopenActionItem(input: { id: $id }) @skip(if: $done) { item { id done } }
}";

db_test!(action_items_belong_to_a_participant_and_can_be_done_and_reopened);
async fn action_items_belong_to_a_participant_and_can_be_done_and_reopened(backend: Backend) {
    let org = Org::spawn(backend).await;
    let meeting = org.meet("em1", "dev1", &at("2024-03-04"), "HELD").await;

    let own = org
        .gql(
            "em1",
            ADD_ACTION_ITEM,
            json!({ "input": { "meetingId": meeting, "text": "Book the room" } }),
        )
        .await
        .ok();
    let for_guest = org
        .gql(
            "em1",
            ADD_ACTION_ITEM,
            json!({ "input": {
                "meetingId": meeting, "text": "Draft the RFC",
                "ownerId": org.id("dev1"), "dueOn": "2024-03-11",
            } }),
        )
        .await
        .ok();
    let outsider_owner = org
        .gql(
            "em1",
            ADD_ACTION_ITEM,
            json!({ "input": {
                "meetingId": meeting, "text": "Not theirs", "ownerId": org.id("dev2"),
            } }),
        )
        .await;
    let rfc = for_guest.data("/addActionItem/item/id").clone();
    let done = org
        .gql("dev1", SET_DONE, json!({ "id": rfc, "done": true }))
        .await
        .ok();
    let done_list = org
        .gql(
            "em1",
            "query($id: ID!) { meeting(id: $id) { actionItems { text done } } }",
            json!({ "id": meeting }),
        )
        .await
        .ok();
    let reopened = org
        .gql("em1", SET_DONE, json!({ "id": rfc, "done": false }))
        .await
        .ok();

    assert_eq!(
        own.data("/addActionItem/item/owner/externalId"),
        "em1",
        "the viewer by default"
    );
    assert_eq!(own.data("/addActionItem/item/done"), false);
    assert_eq!(
        for_guest.data("/addActionItem/item/owner/externalId"),
        "dev1"
    );
    assert_eq!(for_guest.data("/addActionItem/item/dueOn"), "2024-03-11");
    assert_bad_input(&outsider_owner, "input.ownerId");
    assert_eq!(done.data("/done/item/done"), true);
    assert_eq!(
        done_list.data("/meeting/actionItems"),
        &json!([
            { "text": "Book the room", "done": false },
            { "text": "Draft the RFC", "done": true },
        ]),
        "nothing for dev2 was added"
    );
    assert_eq!(reopened.data("/open/item/done"), false);
}

/// Adds an action item for em1; returns its ID.
async fn add_action(org: &Org, meeting: &str, text: &str) -> Value {
    org.gql(
        "em1",
        ADD_ACTION_ITEM,
        json!({ "input": { "meetingId": meeting, "text": text } }),
    )
    .await
    .ok()
    .data("/addActionItem/item/id")
    .clone()
}

const CARRIED_OVER: &str = "query($id: ID!) {
  meeting(id: $id) { carriedOver { actionItems { text done } agendaItems { text discussed } } }
}";

db_test!(carried_over_lists_what_the_pair_left_open_before);
async fn carried_over_lists_what_the_pair_left_open_before(backend: Backend) {
    let org = Org::spawn(backend).await;
    let first = org.meet("em1", "dev1", &at("2024-01-01"), "HELD").await;
    // The same pair with the roles swapped.
    let second = org.meet("dev1", "em1", &at("2024-01-15"), "HELD").await;
    let other_pair = org.meet("em1", "dev2", &at("2024-01-20"), "HELD").await;
    let now = org
        .meet("em1", "dev1", &at("2024-01-29"), "SCHEDULED")
        .await;
    let later = org
        .meet("em1", "dev1", &at("2024-02-12"), "SCHEDULED")
        .await;
    let discussed = add_item(&org, "em1", &first, "Talked about", "CAREER").await;
    add_item(&org, "em1", &first, "Never reached", "STRATEGIC").await;
    add_item(&org, "dev1", &second, "Also open", "WELLBEING").await;
    add_item(&org, "em1", &other_pair, "Other pair's topic", "OTHER").await;
    add_item(&org, "em1", &now, "This meeting's own", "OTHER").await;
    add_item(&org, "em1", &later, "Future topic", "OTHER").await;
    org.gql(
        "em1",
        UPDATE_AGENDA_ITEM,
        json!({ "input": { "id": discussed, "discussed": true } }),
    )
    .await
    .ok();
    let finished = add_action(&org, &first, "Finished").await;
    add_action(&org, &first, "Still open").await;
    add_action(&org, &second, "Open too").await;
    add_action(&org, &other_pair, "Other pair's action").await;
    add_action(&org, &now, "This meeting's action").await;
    org.gql("em1", SET_DONE, json!({ "id": finished, "done": true }))
        .await
        .ok();

    let answer = org
        .gql("dev1", CARRIED_OVER, json!({ "id": now }))
        .await
        .ok();
    let at_first = org
        .gql("em1", CARRIED_OVER, json!({ "id": first }))
        .await
        .ok();
    let dev2_view = org
        .gql("dev2", CARRIED_OVER, json!({ "id": other_pair }))
        .await
        .ok();

    assert_eq!(
        answer.data("/meeting/carriedOver"),
        &json!({
            "actionItems": [
                { "text": "Still open", "done": false },
                { "text": "Open too", "done": false },
            ],
            "agendaItems": [
                { "text": "Never reached", "discussed": false },
                { "text": "Also open", "discussed": false },
            ],
        })
    );
    assert_eq!(
        at_first.data("/meeting/carriedOver"),
        &json!({ "actionItems": [], "agendaItems": [] }),
        "nothing came before the first meeting"
    );
    assert_eq!(
        dev2_view.data("/meeting/carriedOver"),
        &json!({ "actionItems": [], "agendaItems": [] }),
        "em1 and dev1's open items are not dev2's business"
    );
}

const CREATE_TEMPLATE: &str = "mutation($input: AgendaTemplateInput!) {
  createAgendaTemplate(input: $input) {
    template { id name description kind orgWide items { text category position } }
  }
}";

const UPDATE_TEMPLATE: &str = "mutation($id: ID!, $input: AgendaTemplateInput!) {
  updateAgendaTemplate(input: { id: $id, template: $input }) {
    template { id name kind orgWide items { text category position } }
  }
}";

const DELETE_TEMPLATE: &str = "mutation($id: ID!) {
  deleteAgendaTemplate(input: { id: $id }) { deletedId }
}";

const TEMPLATES: &str = "{ agendaTemplates { totalCount nodes { name orgWide } } }";

fn template(name: &str, org_wide: bool) -> Value {
    json!({
        "name": name,
        "description": format!("{name}, described"),
        "kind": "DIRECT",
        "orgWide": org_wide,
        "items": [
            { "text": "How are you?", "category": "WELLBEING" },
            { "text": "Growth", "category": "CAREER" },
        ],
    })
}

/// Creates a template as `who`; returns its ID.
async fn create_template(org: &Org, who: &str, name: &str, org_wide: bool) -> String {
    org.gql(
        who,
        CREATE_TEMPLATE,
        json!({ "input": template(name, org_wide) }),
    )
    .await
    .ok()
    .data("/createAgendaTemplate/template/id")
    .as_str()
    .expect("id")
    .into()
}

/// The template names a person may use, besides the starter templates every install has.
async fn template_names(org: &Org, who: &str) -> Vec<String> {
    let answer = org.gql(who, TEMPLATES, json!({})).await.ok();
    let names: Vec<String> = answer
        .data("/agendaTemplates/nodes")
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(answer.data("/agendaTemplates/totalCount"), names.len());
    names
        .into_iter()
        .filter(|n| !STARTER_TEMPLATES.contains(&n.as_str()))
        .collect()
}

db_test!(templates_are_personal_or_org_wide_for_hr_admins);
async fn templates_are_personal_or_org_wide_for_hr_admins(backend: Backend) {
    let org = Org::spawn(backend).await;

    let personal = org
        .gql(
            "dev1",
            CREATE_TEMPLATE,
            json!({ "input": template("Dana's check-in", false) }),
        )
        .await
        .ok();
    let org_wide = org
        .gql(
            "hr",
            CREATE_TEMPLATE,
            json!({ "input": template("Company 1:1", true) }),
        )
        .await
        .ok();
    let by_employee = org
        .gql(
            "em1",
            CREATE_TEMPLATE,
            json!({ "input": template("Mine for all", true) }),
        )
        .await;
    let by_integration = org
        .admin(
            CREATE_TEMPLATE,
            json!({ "input": template("Synced", false) }),
        )
        .await;
    let nameless = org
        .gql(
            "dev1",
            CREATE_TEMPLATE,
            json!({ "input": template(" ", false) }),
        )
        .await;

    assert_eq!(
        personal.data("/createAgendaTemplate/template/orgWide"),
        false
    );
    assert_eq!(
        personal.data("/createAgendaTemplate/template/items"),
        &json!([
            { "text": "How are you?", "category": "WELLBEING", "position": 0 },
            { "text": "Growth", "category": "CAREER", "position": 1 },
        ])
    );
    assert_eq!(
        personal.data("/createAgendaTemplate/template/description"),
        "Dana's check-in, described"
    );
    assert_eq!(
        personal.data("/createAgendaTemplate/template/kind"),
        "DIRECT"
    );
    assert_eq!(
        org_wide.data("/createAgendaTemplate/template/orgWide"),
        true
    );
    by_employee.assert_error_code("FORBIDDEN");
    by_integration.assert_error_code("FORBIDDEN");
    assert_bad_input(&nameless, "input.name");
    assert_eq!(template_names(&org, "em1").await, ["Company 1:1"]);
}

db_test!(agenda_templates_lists_org_wide_and_own_templates_only);
async fn agenda_templates_lists_org_wide_and_own_templates_only(backend: Backend) {
    let org = Org::spawn(backend).await;
    create_template(&org, "hr", "B company", true).await;
    create_template(&org, "em1", "A erin's", false).await;
    let danas = create_template(&org, "dev1", "C dana's", false).await;

    let em1 = template_names(&org, "em1").await;
    let dev1 = template_names(&org, "dev1").await;
    let cto = template_names(&org, "cto").await;
    let node = org
        .gql(
            "em1",
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": danas }),
        )
        .await
        .ok();

    assert_eq!(em1, ["A erin's", "B company"], "by name");
    assert_eq!(dev1, ["B company", "C dana's"]);
    assert_eq!(cto, ["B company"]);
    assert_eq!(node.data("/node"), &Value::Null, "not em1's template");
}

db_test!(owners_update_and_delete_their_templates);
async fn owners_update_and_delete_their_templates(backend: Backend) {
    let org = Org::spawn(backend).await;
    let company = create_template(&org, "hr", "Company", true).await;
    let erins = create_template(&org, "em1", "Erin's", false).await;
    let mut changed = template("Erin's, revised", false);
    changed["kind"] = json!("SKIP_LEVEL");
    changed["items"] = json!([{ "text": "Team health", "category": "FEEDBACK" }]);

    let updated = org
        .gql(
            "em1",
            UPDATE_TEMPLATE,
            json!({ "id": erins, "input": changed }),
        )
        .await
        .ok();
    let by_other = org
        .gql(
            "dev1",
            UPDATE_TEMPLATE,
            json!({ "id": erins, "input": template("Hijacked", false) }),
        )
        .await;
    let company_by_employee = org
        .gql(
            "em1",
            UPDATE_TEMPLATE,
            json!({ "id": company, "input": template("Company", true) }),
        )
        .await;
    let company_deleted_by_employee = org
        .gql("em1", DELETE_TEMPLATE, json!({ "id": company }))
        .await;
    let deleted_by_other = org
        .gql("dev1", DELETE_TEMPLATE, json!({ "id": erins }))
        .await;
    let before_delete = template_names(&org, "em1").await;
    let deleted = org
        .gql("em1", DELETE_TEMPLATE, json!({ "id": erins }))
        .await
        .ok();
    let company_by_hr = org
        .gql(
            "hr",
            UPDATE_TEMPLATE,
            json!({ "id": company, "input": template("Company, v2", true) }),
        )
        .await
        .ok();

    assert_eq!(
        updated.data("/updateAgendaTemplate/template"),
        &json!({
            "id": erins, "name": "Erin's, revised", "kind": "SKIP_LEVEL", "orgWide": false,
            "items": [{ "text": "Team health", "category": "FEEDBACK", "position": 0 }],
        })
    );
    for answer in [&by_other, &deleted_by_other] {
        let codes = answer.error_codes();
        assert!(
            !codes.is_empty() && codes.iter().all(|c| c == "NOT_FOUND" || c == "FORBIDDEN"),
            "{}",
            answer.body
        );
    }
    company_by_employee.assert_error_code("FORBIDDEN");
    company_deleted_by_employee.assert_error_code("FORBIDDEN");
    assert_eq!(before_delete, ["Company", "Erin's, revised"]);
    assert_eq!(
        deleted.data("/deleteAgendaTemplate/deletedId"),
        &json!(erins)
    );
    assert_eq!(
        company_by_hr.data("/updateAgendaTemplate/template/orgWide"),
        true,
        "an update keeps the scope"
    );
    assert_eq!(template_names(&org, "em1").await, ["Company, v2"]);
}

db_test!(deleting_a_template_keeps_the_agendas_copied_from_it);
async fn deleting_a_template_keeps_the_agendas_copied_from_it(backend: Backend) {
    let org = Org::spawn(backend).await;
    let template_id = create_template(&org, "em1", "Weekly", false).await;
    let mut input = org.input("em1", "dev1", &at("2024-03-04"), "HELD");
    input["templateId"] = json!(template_id);
    let meeting = org.log(input).await;

    org.gql("em1", DELETE_TEMPLATE, json!({ "id": template_id }))
        .await
        .ok();

    assert_eq!(
        agenda(&org, &meeting).await,
        pairs(&[("How are you?", 0), ("Growth", 1)])
    );
    let answer = org
        .gql(
            "em1",
            "query($id: ID!) { meeting(id: $id) { template { name } } }",
            json!({ "id": meeting }),
        )
        .await
        .ok();
    assert_eq!(answer.data("/meeting/template"), &Value::Null);
}
