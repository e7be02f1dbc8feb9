//! The table: every field of the schema (root types included) and its access class, with
//! the probes that cover it.

/// Who may read or do what a field gives (DESIGN.md, "Who may see what").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    /// No rule of its own: a scalar or link of an object the viewer was already allowed to
    /// reach, connection plumbing (edges, cursors, page info) or a mutation's payload.
    Public,
    /// The person behind the token (null for an integration).
    Viewer,
    /// `node(id:)`: whatever the rule of the object's own type is.
    Lookup,
    /// People, titles, teams, reporting lines: any authenticated person; integrations with
    /// `org:read` (or `org:write`).
    OrgChart,
    /// Who, when, kind, status, duration: the participants, anyone above either of them now,
    /// hr_admin, integrations with `meetings:read` (or `meetings:write`).
    MeetingMetadata,
    /// Agenda, action items, shared notes, carried-over items: the two participants only.
    MeetingContent,
    /// A private note: its author only.
    PrivateNote,
    /// An individual rating: its rater only.
    OwnRating,
    /// Averages: only over at least 3 ratings.
    RatingAverage,
    /// Agenda templates: org-wide ones for everyone, personal ones for their owner only.
    Templates,
    /// Coverage and insight reports: a manager for their own subtree, hr_admin for all.
    Insights,
    /// Cadence policies: org-chart data.
    CadenceRead,
    /// Writing people, teams, reporting lines: hr_admin; integrations with `org:write`.
    OrgWrite,
    /// Logging, scheduling, editing a meeting: participants, hr_admin, `meetings:write`.
    MeetingWrite,
    /// Content changes, notes and ratings: the two participants only.
    ParticipantWrite,
    /// Personal templates: their owner; org-wide ones: hr_admin.
    TemplateWrite,
    /// Cadence policies: org-wide hr_admin; a subtree its manager and above; a pair the
    /// managers above it; hr_admin any.
    CadenceWrite,
    /// Live meeting changes: only those the viewer may see.
    Subscription,
    /// Webhooks, their secrets and deliveries: hr_admin alone.
    WebhookAdmin,
    /// Training sessions and a person's place in them: the person, anyone above them now,
    /// hr_admin, and a session's facilitator and creator for that session; no integration.
    Training,
    /// Creating a training session: hr_admin or a manager; recording attendance: the
    /// session's facilitator, its creator or hr_admin.
    TrainingWrite,
    /// The caller's own rate-limit budget: anyone, a caller without a valid token by the
    /// address it connects from.
    OwnBudget,
    /// The learning library: any authenticated viewer, integrations included.
    Library,
    /// Adding, changing, removing learning resources: hr_admin alone.
    LibraryWrite,
    /// Check-ins: their asker and manager, anyone above the asker now, hr_admin; nobody
    /// else (no integration).
    CheckIns,
    /// A check-in's notes: its asker and manager only.
    CheckInNotes,
    /// Logging a check-in: someone above the manager then, or hr_admin; changing or
    /// deleting one: its asker only.
    CheckInWrite,
    /// Pulse rounds themselves: any person; no integration.
    PulseRounds,
    /// Opening and closing pulse rounds: hr_admin alone.
    PulseAdmin,
    /// A pulse answer: the respondent's own, and nobody else's (hr_admin included).
    OwnPulseAnswer,
    /// Frozen pulse figures and rollups: the manager, anyone above them, hr_admin; null
    /// below 3 respondents.
    PulseResults,
}

/// One `(type, field)` of the schema.
#[derive(Debug)]
pub(super) struct Row {
    pub(super) ty: &'static str,
    pub(super) field: &'static str,
    pub(super) class: Class,
    /// Names of the [`probes`] that exercise this field.
    pub(super) probes: &'static [&'static str],
}

macro_rules! rows {
    ($($ty:ident . $field:ident : $class:ident [$($probe:literal),*];)*) => {
        &[$(Row {
            ty: stringify!($ty),
            field: stringify!($field),
            class: Class::$class,
            probes: &[$($probe),*],
        },)*]
    };
}

pub(super) const FIELDS: &[Row] = rows! {
    ActionItem.id: Public [];
    ActionItem.text: Public [];
    ActionItem.owner: Public ["meeting.actionItems"];
    ActionItem.dueOn: Public [];
    ActionItem.done: Public [];
    ActionItem.doneAt: Public [];
    ActionItem.meeting: Public ["meeting.actionItems"];
    ActionItemPayload.item: Public [];
    AgendaItem.id: Public [];
    AgendaItem.text: Public [];
    AgendaItem.category: Public [];
    AgendaItem.position: Public [];
    AgendaItem.discussed: Public [];
    AgendaItem.meeting: Public ["meeting.agenda"];
    AgendaItemPayload.item: Public [];
    AgendaTemplate.id: Public [];
    AgendaTemplate.name: Public [];
    AgendaTemplate.description: Public [];
    AgendaTemplate.kind: Public [];
    AgendaTemplate.orgWide: Public [];
    AgendaTemplate.items: Templates ["q.agendaTemplates", "q.node.template", "meeting.template"];
    AgendaTemplateConnection.edges: Public [];
    AgendaTemplateConnection.nodes: Templates ["q.agendaTemplates"];
    AgendaTemplateConnection.pageInfo: Public [];
    AgendaTemplateConnection.totalCount: Templates ["q.agendaTemplates"];
    AgendaTemplateEdge.node: Public [];
    AgendaTemplateEdge.cursor: Public [];
    AgendaTemplateItem.text: Public [];
    AgendaTemplateItem.category: Public [];
    AgendaTemplateItem.position: Public [];
    AgendaTemplatePayload.template: Public [];
    CadencePolicy.kind: Public [];
    CadencePolicy.everyDays: Public [];
    CadencePolicy.required: Public [];
    CadencePolicy.scope: Public [];
    CadencePolicy.manager: OrgChart ["q.cadencePolicies"];
    CadencePolicy.pair: OrgChart ["q.cadencePolicies"];
    CarriedOver.actionItems: MeetingContent ["meeting.carriedOver"];
    CarriedOver.agendaItems: MeetingContent ["meeting.carriedOver"];
    CoveragePoint.at: Insights ["q.coverageTrend"];
    CoveragePoint.directCoverage: Insights ["q.coverageTrend"];
    CoveragePoint.skipLevelCoverage: Insights ["q.coverageTrend"];
    CoverageReport.manager: Insights ["q.coverageReport"];
    CoverageReport.asOf: Insights ["q.coverageReport"];
    CoverageReport.directReportCount: Insights ["q.coverageReport"];
    CoverageReport.directCoverage: Insights ["q.coverageReport"];
    CoverageReport.overdue: Insights ["q.coverageReport"];
    CoverageReport.skipLevelReportCount: Insights ["q.coverageReport"];
    CoverageReport.skipLevelCoverage: Insights ["q.coverageReport"];
    CoverageReport.peerMeetingCount: Insights ["q.coverageReport"];
    CoverageReport.tacticalShare: Insights ["q.coverageReport"];
    CoverageReport.averageRating: Insights ["q.coverageReport", "q.coverageReport.averageRating"];
    CoverageReport.managers: Insights ["q.coverageReport"];
    DeleteAgendaTemplatePayload.deletedId: Public [];
    ImportCounts.created: Public [];
    ImportCounts.updated: Public [];
    ImportCounts.unchanged: Public [];
    ImportPeoplePayload.people: Public [];
    ImportPeoplePayload.teams: Public [];
    ImportPeoplePayload.dryRun: Public [];
    ImportCalendarPayload.meetings: Public [];
    ImportCalendarPayload.skipped: Public [];
    ImportCalendarPayload.dryRun: Public [];
    MeetingImportCounts.created: Public [];
    MeetingImportCounts.updated: Public [];
    MeetingImportCounts.unchanged: Public [];
    MeetingImportCounts.cancelled: Public [];
    SkippedOccurrences.group: Public [];
    SkippedOccurrences.allDay: Public [];
    SkippedOccurrences.unknownPerson: Public [];
    SkippedOccurrences.solo: Public [];
    SkippedOccurrences.notEmployed: Public [];
    ImportMeetingsPayload.created: Public [];
    ImportMeetingsPayload.updated: Public [];
    ImportMeetingsPayload.unchanged: Public [];
    ImportMeetingsPayload.meetings: Public [];
    LogMeetingPayload.meeting: Public [];
    LogMeetingPayload.created: Public [];
    Meeting.id: MeetingMetadata ["q.meeting"];
    Meeting.externalId: MeetingMetadata ["q.meeting"];
    Meeting.host: MeetingMetadata ["q.meeting", "person.org"];
    Meeting.guest: MeetingMetadata ["q.meeting"];
    Meeting.kind: MeetingMetadata ["q.meeting"];
    Meeting.status: MeetingMetadata ["q.meeting"];
    Meeting.scheduledAt: MeetingMetadata ["q.meeting"];
    Meeting.durationMinutes: MeetingMetadata ["q.meeting"];
    Meeting.template: Templates ["meeting.template"];
    Meeting.agenda: MeetingContent ["meeting.agenda", "q.meetings.content", "person.meetings.content"];
    Meeting.actionItems: MeetingContent ["meeting.actionItems", "q.meetings.content", "person.meetings.content"];
    Meeting.sharedNotes: MeetingContent ["meeting.sharedNotes", "q.meetings.content", "person.meetings.content"];
    Meeting.privateNote: PrivateNote ["meeting.privateNote", "q.meetings.content", "person.meetings.content"];
    Meeting.myRating: OwnRating ["meeting.myRating", "q.meetings.content"];
    Meeting.averageRating: RatingAverage ["meeting.averageRating"];
    Meeting.carriedOver: MeetingContent ["meeting.carriedOver", "q.meetings.content"];
    Meeting.createdAt: MeetingMetadata ["q.meeting"];
    Meeting.updatedAt: MeetingMetadata ["q.meeting"];
    MeetingConnection.edges: MeetingMetadata ["q.meetings.count"];
    MeetingConnection.nodes: MeetingMetadata ["q.meetings.count", "person.meetings"];
    MeetingConnection.pageInfo: MeetingMetadata ["q.meetings.page"];
    MeetingConnection.totalCount: MeetingMetadata ["q.meetings.count", "person.meetings"];
    MeetingContentPayload.meeting: Public [];
    MeetingEdge.node: Public [];
    MeetingEdge.cursor: Public [];
    MeetingPartner.person: MeetingMetadata ["person.meetsWith"];
    MeetingPartner.count: MeetingMetadata ["person.meetsWith"];
    MeetingPartner.firstMetAt: Public [];
    MeetingPartner.lastMetAt: Public [];
    MeetingPartner.averageIntervalDays: Public [];
    MeetingPartner.kinds: Public [];
    MeetingPartnerConnection.edges: Public [];
    MeetingPartnerConnection.nodes: MeetingMetadata ["person.meetsWith"];
    MeetingPartnerConnection.pageInfo: Public [];
    MeetingPartnerConnection.totalCount: MeetingMetadata ["person.meetsWith"];
    MeetingPartnerEdge.node: Public [];
    MeetingPartnerEdge.cursor: Public [];
    MeetingPayload.meeting: Public [];
    Mutation.upsertPeople: OrgWrite ["m.upsertPeople"];
    Mutation.importPeopleCsv: OrgWrite ["m.importPeopleCsv"];
    Mutation.upsertTeams: OrgWrite ["m.upsertTeams"];
    Mutation.logMeeting: MeetingWrite ["m.logMeeting"];
    Mutation.updateMeeting: MeetingWrite ["m.updateMeeting", "m.updateMeeting.notes"];
    Mutation.cancelMeeting: MeetingWrite ["m.cancelMeeting"];
    Mutation.importMeetings: MeetingWrite ["m.importMeetings"];
    Mutation.importCalendar: MeetingWrite ["m.importCalendar"];
    Mutation.rateMeeting: ParticipantWrite ["m.rateMeeting"];
    Mutation.setPrivateNote: ParticipantWrite ["m.setPrivateNote"];
    Mutation.createAgendaTemplate: TemplateWrite ["m.createAgendaTemplate", "m.createAgendaTemplate.orgWide"];
    Mutation.updateAgendaTemplate: TemplateWrite ["m.updateAgendaTemplate", "m.updateAgendaTemplate.orgWide"];
    Mutation.deleteAgendaTemplate: TemplateWrite ["m.deleteAgendaTemplate"];
    Mutation.addAgendaItem: ParticipantWrite ["m.addAgendaItem"];
    Mutation.updateAgendaItem: ParticipantWrite ["m.updateAgendaItem"];
    Mutation.removeAgendaItem: ParticipantWrite ["m.removeAgendaItem"];
    Mutation.reorderAgendaItems: ParticipantWrite ["m.reorderAgendaItems"];
    Mutation.addActionItem: ParticipantWrite ["m.addActionItem"];
    Mutation.completeActionItem: ParticipantWrite ["m.completeActionItem"];
    Mutation.reopenActionItem: ParticipantWrite ["m.reopenActionItem"];
    Mutation.setCadencePolicy: CadenceWrite ["m.setCadencePolicy.subtree", "m.setCadencePolicy.org", "m.setCadencePolicy.pair"];
    Mutation.removeCadencePolicy: CadenceWrite ["m.removeCadencePolicy"];
    Node.id: Public [];
    OverdueOneOnOne.manager: Insights ["q.overdueOneOnOnes", "q.coverageReport"];
    OverdueOneOnOne.report: Insights ["q.overdueOneOnOnes", "q.coverageReport"];
    OverdueOneOnOne.lastHeldAt: Insights ["q.overdueOneOnOnes", "q.coverageReport"];
    OverdueOneOnOne.daysOverdue: Insights ["q.overdueOneOnOnes", "q.coverageReport"];
    OverdueOneOnOneConnection.edges: Insights ["q.overdueOneOnOnes"];
    OverdueOneOnOneConnection.nodes: Insights ["q.overdueOneOnOnes"];
    OverdueOneOnOneConnection.pageInfo: Insights ["q.overdueOneOnOnes"];
    OverdueOneOnOneConnection.totalCount: Insights ["q.overdueOneOnOnes"];
    OverdueOneOnOneEdge.node: Public [];
    OverdueOneOnOneEdge.cursor: Public [];
    PageInfo.hasNextPage: Public ["q.meetings.page"];
    PageInfo.hasPreviousPage: Public [];
    PageInfo.startCursor: Public [];
    PageInfo.endCursor: Public [];
    Person.id: Public [];
    Person.externalId: Public [];
    Person.name: Public [];
    Person.email: Public [];
    Person.title: Public [];
    Person.timezone: Public [];
    Person.startDate: Public [];
    Person.endDate: Public [];
    Person.active: Public [];
    Person.team: OrgChart ["person.org"];
    Person.manager: OrgChart ["person.org"];
    Person.managementChain: OrgChart ["person.org"];
    Person.directReports: OrgChart ["person.org"];
    Person.reports: OrgChart ["person.org"];
    Person.skipLevelReports: OrgChart ["person.org"];
    Person.meetings: MeetingMetadata ["person.meetings", "person.meetings.content"];
    Person.meetsWith: MeetingMetadata ["person.meetsWith"];
    Person.peers: OrgChart ["person.org"];
    PersonConnection.edges: Public [];
    PersonConnection.nodes: OrgChart ["q.people"];
    PersonConnection.pageInfo: Public [];
    PersonConnection.totalCount: OrgChart ["q.people", "person.org"];
    PersonEdge.node: Public [];
    PersonEdge.cursor: Public [];
    Query.node: Lookup ["q.node.meeting", "q.node.template", "q.node.person", "q.node.item", "q.node.resource", "q.node.training", "q.node.pulseRound"];
    Query.viewer: Viewer ["q.viewer"];
    Query.person: OrgChart ["q.person"];
    Query.personByExternalId: OrgChart ["q.personByExternalId"];
    Query.people: OrgChart ["q.people"];
    Query.team: OrgChart ["q.team"];
    Query.teams: OrgChart ["q.teams"];
    Query.meeting: MeetingMetadata ["q.meeting"];
    Query.meetings: MeetingMetadata ["q.meetings.count", "q.meetings.page", "q.meetings.content"];
    Query.agendaTemplates: Templates ["q.agendaTemplates"];
    Query.coverageReport: Insights ["q.coverageReport"];
    Query.overdueOneOnOnes: Insights ["q.overdueOneOnOnes"];
    Query.coverageTrend: Insights ["q.coverageTrend"];
    Query.cadencePolicies: CadenceRead ["q.cadencePolicies"];
    Query.effectiveCadencePolicy: CadenceRead ["q.effectiveCadencePolicy"];
    Query.rateLimit: OwnBudget ["q.rateLimit"];
    RateLimit.cost: Public [];
    RateLimit.limit: Public [];
    RateLimit.remaining: Public [];
    RateLimit.resetAt: Public [];
    RateMeetingPayload.meeting: Public [];
    RemoveCadencePolicyPayload.removed: Public [];
    SetCadencePolicyPayload.policy: Public [];
    Subscription.meetingChanged: Subscription ["s.meetingChanged"];
    Team.id: Public [];
    Team.externalId: Public [];
    Team.name: Public [];
    Team.parent: OrgChart ["q.team"];
    TeamConnection.edges: Public [];
    TeamConnection.nodes: OrgChart ["q.teams"];
    TeamConnection.pageInfo: Public [];
    TeamConnection.totalCount: OrgChart ["q.teams"];
    TeamEdge.node: Public [];
    TeamEdge.cursor: Public [];
    UpsertPeoplePayload.created: Public [];
    UpsertPeoplePayload.updated: Public [];
    UpsertPeoplePayload.unchanged: Public [];
    UpsertPeoplePayload.people: Public [];
    UpsertTeamsPayload.created: Public [];
    UpsertTeamsPayload.updated: Public [];
    UpsertTeamsPayload.unchanged: Public [];
    UpsertTeamsPayload.teams: Public [];
    Mutation.createWebhook: WebhookAdmin ["m.createWebhook"];
    Mutation.updateWebhook: WebhookAdmin ["m.updateWebhook"];
    Mutation.deleteWebhook: WebhookAdmin ["m.deleteWebhook"];
    Mutation.rotateWebhookSecret: WebhookAdmin ["m.rotateWebhookSecret"];
    Mutation.redeliverWebhookEvent: WebhookAdmin ["m.redeliverWebhookEvent"];
    Query.webhooks: WebhookAdmin ["q.webhooks"];
    DeleteWebhookPayload.deletedId: Public [];
    RedeliverWebhookEventPayload.queued: Public [];
    WebhookPayload.webhook: Public [];
    WebhookWithSecretPayload.webhook: Public [];
    WebhookWithSecretPayload.secret: Public [];
    Webhook.id: Public [];
    Webhook.url: Public [];
    Webhook.description: Public [];
    Webhook.events: Public [];
    Webhook.createdAt: Public [];
    Webhook.updatedAt: Public [];
    Webhook.previousSecretExpiresAt: Public [];
    Webhook.recentDeliveries: Public [];
    WebhookDelivery.eventId: Public [];
    WebhookDelivery.eventType: Public [];
    WebhookDelivery.status: Public [];
    WebhookDelivery.attempts: Public [];
    WebhookDelivery.lastStatusCode: Public [];
    WebhookDelivery.lastError: Public [];
    WebhookDelivery.createdAt: Public [];
    WebhookDelivery.nextAttemptAt: Public [];
    WebhookDelivery.deliveredAt: Public [];
    Query.learningResources: Library ["q.learningResources"];
    LearningResource.id: Public [];
    LearningResource.title: Public [];
    LearningResource.url: Public [];
    LearningResource.description: Public [];
    LearningResource.topics: Public [];
    LearningResource.createdAt: Public [];
    LearningResource.updatedAt: Public [];
    LearningResourceConnection.edges: Public [];
    LearningResourceConnection.nodes: Library ["q.learningResources"];
    LearningResourceConnection.pageInfo: Public [];
    LearningResourceConnection.totalCount: Library ["q.learningResources"];
    LearningResourceEdge.node: Public [];
    LearningResourceEdge.cursor: Public [];
    LearningResourcePayload.resource: Public [];
    DeleteLearningResourcePayload.deletedId: Public [];
    AgendaTemplate.resources: Templates ["q.node.template.resources"];
    Meeting.resources: MeetingContent ["meeting.resources"];
    Mutation.createLearningResource: LibraryWrite ["m.createLearningResource"];
    Mutation.updateLearningResource: LibraryWrite ["m.updateLearningResource"];
    Mutation.deleteLearningResource: LibraryWrite ["m.deleteLearningResource"];
    CheckIn.id: CheckIns ["q.node.checkIn", "person.checkIns"];
    CheckIn.asker: CheckIns ["q.node.checkIn"];
    CheckIn.manager: CheckIns ["q.node.checkIn"];
    CheckIn.at: CheckIns ["q.node.checkIn"];
    CheckIn.rating: CheckIns ["q.node.checkIn", "person.checkIns"];
    CheckIn.struggles: CheckIns ["q.node.checkIn"];
    CheckIn.notes: CheckInNotes ["checkIn.notes", "person.checkIns.notes"];
    CheckIn.createdAt: CheckIns ["q.node.checkIn"];
    CheckIn.updatedAt: CheckIns ["q.node.checkIn"];
    CheckInConnection.edges: CheckIns ["person.checkIns"];
    CheckInConnection.nodes: CheckIns ["person.checkIns", "person.checkIns.notes"];
    CheckInConnection.pageInfo: Public [];
    CheckInConnection.totalCount: CheckIns ["person.checkIns"];
    CheckInEdge.node: Public [];
    CheckInEdge.cursor: Public [];
    CheckInPayload.checkIn: Public [];
    DeleteCheckInPayload.deletedId: Public [];
    Person.checkIns: CheckIns ["person.checkIns", "person.checkIns.notes"];
    Mutation.logCheckIn: CheckInWrite ["m.logCheckIn"];
    Mutation.updateCheckIn: CheckInWrite ["m.updateCheckIn"];
    Mutation.deleteCheckIn: CheckInWrite ["m.deleteCheckIn"];
    CoverageReport.lastCheckInAt: Insights ["q.coverageReport"];
    CoverageReport.checkInOverdue: Insights ["q.coverageReport"];
    OverdueOneOnOne.kind: Insights ["q.overdueOneOnOnes"];
    Meeting.practice: MeetingMetadata ["meeting.practice"];
    Meeting.trainingSession: Training ["meeting.practice"];
    Person.trainingSessions: Training ["person.trainingSessions"];
    CoverageReport.lastTrainedAt: Insights ["q.coverageReport"];
    TrainingSession.id: Training ["person.trainingSessions", "q.node.training"];
    TrainingSession.title: Training ["person.trainingSessions", "q.node.training"];
    TrainingSession.at: Training ["person.trainingSessions"];
    TrainingSession.facilitator: Training ["person.trainingSessions"];
    TrainingSession.createdBy: Training ["person.trainingSessions"];
    TrainingSession.attendees: Training ["session.attendees"];
    TrainingSession.createdAt: Training ["person.trainingSessions"];
    TrainingAttendee.person: Training ["session.attendees"];
    TrainingAttendee.attended: Training ["session.attendees"];
    TrainingSessionConnection.edges: Public [];
    TrainingSessionConnection.nodes: Training ["person.trainingSessions"];
    TrainingSessionConnection.pageInfo: Public [];
    TrainingSessionConnection.totalCount: Training ["person.trainingSessions"];
    TrainingSessionEdge.cursor: Public [];
    TrainingSessionEdge.node: Public [];
    TrainingSessionPayload.session: Public [];
    Mutation.createTrainingSession: TrainingWrite ["m.createTrainingSession"];
    Mutation.recordTrainingAttendance: TrainingWrite ["m.recordTrainingAttendance"];
    Query.pulseRounds: PulseRounds ["q.pulseRounds"];
    Query.pulseRound: PulseRounds ["q.pulseRound"];
    Mutation.openPulseRound: PulseAdmin ["m.openPulseRound"];
    Mutation.closePulseRound: PulseAdmin ["m.closePulseRound"];
    Mutation.answerPulse: OwnPulseAnswer ["m.answerPulse"];
    PulseRound.id: Public [];
    PulseRound.name: Public [];
    PulseRound.opensAt: Public [];
    PulseRound.closesAt: Public [];
    PulseRound.closedAt: Public [];
    PulseRound.status: Public [];
    PulseRound.myAnswer: OwnPulseAnswer ["q.pulseRound.myAnswer"];
    PulseRound.results: PulseResults ["q.pulseRound.results"];
    PulseRound.rollup: PulseResults ["q.pulseRound.rollup"];
    PulseRoundConnection.edges: Public [];
    PulseRoundConnection.nodes: Public [];
    PulseRoundConnection.pageInfo: Public [];
    PulseRoundConnection.totalCount: Public [];
    PulseRoundEdge.node: Public [];
    PulseRoundEdge.cursor: Public [];
    PulseRoundPayload.round: Public [];
    AnswerPulsePayload.round: Public [];
    AnswerPulsePayload.answer: Public [];
    PulseAnswer.useful: Public [];
    PulseAnswer.beyondTactical: Public [];
    PulseAnswer.feedback: Public [];
    PulseAnswer.manager: Public [];
    PulseAnswer.answeredAt: Public [];
    PulseAnswer.updatedAt: Public [];
    PulseFigures.useful: Public [];
    PulseFigures.beyondTactical: Public [];
    PulseFigures.feedback: Public [];
    PulseFigures.average: Public [];
    PulseFigures.respondentCount: Public [];
    PulseFigures.managerCount: Public [];
    CoverageReport.pulse: PulseResults ["q.coverageReport.pulse"];
    ManagerPulse.round: Public [];
    ManagerPulse.useful: Public [];
    ManagerPulse.beyondTactical: Public [];
    ManagerPulse.feedback: Public [];
    ManagerPulse.respondents: Public [];
};
