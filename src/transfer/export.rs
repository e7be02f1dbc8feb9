//! Export files: records of meetings and of coverage figures written as RFC 4180 CSV (a
//! header row, CRLF line ends, fields quoted when they need it) or as a JSON array of
//! objects, one chunk of records at a time, so that an export of any size is written as it
//! is read and never held whole.

use serde::Serialize;

/// The shape of an export file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 4180 CSV with a header row.
    Csv,
    /// A JSON array of objects, one a line.
    Json,
}

/// A kind of record an export writes: its columns, in the order its fields serialize.
pub trait Record: Serialize {
    /// The CSV header row, which is also the JSON objects' keys.
    const COLUMNS: &'static [&'static str];
}

/// One meeting: who and when, never what was said.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MeetingRecord {
    /// The GraphQL global ID.
    pub id: String,
    pub external_id: Option<String>,
    pub host_external_id: String,
    pub host_email: String,
    pub guest_external_id: String,
    pub guest_email: String,
    /// RFC 3339, UTC.
    pub scheduled_at: String,
    pub duration_minutes: i32,
    pub status: String,
    pub kind: String,
}

impl Record for MeetingRecord {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "externalId",
        "hostExternalId",
        "hostEmail",
        "guestExternalId",
        "guestEmail",
        "scheduledAt",
        "durationMinutes",
        "status",
        "kind",
    ];
}

/// One manager's coverage figures, as `coverageReport` gives them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CoverageRecord {
    /// The manager's GraphQL global ID.
    pub manager_id: String,
    pub manager_external_id: String,
    pub manager_name: String,
    pub manager_email: String,
    /// RFC 3339, UTC.
    pub as_of: String,
    pub direct_report_count: i64,
    pub direct_coverage: f64,
    pub skip_level_report_count: i64,
    pub skip_level_coverage: f64,
    /// The number of entries of `overdue`.
    pub overdue_count: i64,
    pub peer_meeting_count: i64,
    pub tactical_share: Option<f64>,
    pub average_rating: Option<f64>,
    /// RFC 3339, UTC; empty when never (`coverageReport`'s `lastCheckInAt`).
    pub last_check_in_at: Option<String>,
    pub check_in_overdue: bool,
    /// When the manager last attended a training session at or before `asOf`, RFC 3339.
    pub last_trained_at: Option<String>,
    /// The latest frozen pulse round's name and the manager's averages in it (null below
    /// 3 respondents).
    pub pulse_round: Option<String>,
    pub pulse_useful: Option<f64>,
    pub pulse_beyond_tactical: Option<f64>,
    pub pulse_feedback: Option<f64>,
    pub pulse_respondents: Option<i64>,
}

impl Record for CoverageRecord {
    const COLUMNS: &'static [&'static str] = &[
        "managerId",
        "managerExternalId",
        "managerName",
        "managerEmail",
        "asOf",
        "directReportCount",
        "directCoverage",
        "skipLevelReportCount",
        "skipLevelCoverage",
        "overdueCount",
        "peerMeetingCount",
        "tacticalShare",
        "averageRating",
        "lastCheckInAt",
        "checkInOverdue",
        "lastTrainedAt",
        "pulseRound",
        "pulseUseful",
        "pulseBeyondTactical",
        "pulseFeedback",
        "pulseRespondents",
    ];
}

/// Writes one export file in chunks: [`Writer::chunk`] for each batch of records, then
/// [`Writer::finish`]; the bytes of each call follow those of the one before.
#[derive(Debug)]
pub struct Writer {
    format: Format,
    /// Whether anything (the header row, the opening bracket) has been written.
    started: bool,
    /// Whether a JSON record has been written (the next one needs a comma).
    any_record: bool,
}

impl Writer {
    pub fn new(format: Format) -> Writer {
        Writer {
            format,
            started: false,
            any_record: false,
        }
    }

    /// The bytes of `records`, preceded by the file's beginning (the header row or `[`) in
    /// the first call.
    pub fn chunk<R: Record>(&mut self, records: &[R]) -> anyhow::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(64 + records.len() * 160);
        match self.format {
            Format::Csv => {
                let mut csv = csv::WriterBuilder::new()
                    .has_headers(false)
                    .terminator(csv::Terminator::CRLF)
                    .from_writer(&mut out);
                if !self.started {
                    csv.write_record(R::COLUMNS)?;
                }
                for record in records {
                    csv.serialize(record)?;
                }
                csv.flush()?;
            }
            Format::Json => {
                if !self.started {
                    out.push(b'[');
                }
                for record in records {
                    out.extend_from_slice(if self.any_record { b",\n" } else { b"\n" });
                    serde_json::to_writer(&mut out, record)?;
                    self.any_record = true;
                }
            }
        }
        self.started = true;
        Ok(out)
    }

    /// The file's end: the header row of an empty CSV file, the closing `]` of JSON.
    pub fn finish<R: Record>(&mut self) -> anyhow::Result<Vec<u8>> {
        let mut out = if self.started {
            Vec::new()
        } else {
            self.chunk::<R>(&[])?
        };
        if self.format == Format::Json {
            out.extend_from_slice(if self.any_record { b"\n]\n" } else { b"]\n" });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meeting(external_id: Option<&str>, host_email: &str) -> MeetingRecord {
        MeetingRecord {
            id: "TWVldGluZzox".into(),
            external_id: external_id.map(String::from),
            host_external_id: "e1".into(),
            host_email: host_email.into(),
            guest_external_id: "e2".into(),
            guest_email: "b@example.com".into(),
            scheduled_at: "2026-01-05T14:00:00Z".into(),
            duration_minutes: 30,
            status: "HELD".into(),
            kind: "DIRECT".into(),
        }
    }

    fn whole<R: Record>(format: Format, chunks: &[&[R]]) -> String {
        let mut writer = Writer::new(format);
        let mut out = Vec::new();
        for chunk in chunks {
            out.extend(writer.chunk(chunk).unwrap());
        }
        out.extend(writer.finish::<R>().unwrap());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_has_one_header_row_crlf_ends_and_quotes_where_needed() {
        let a = meeting(Some("cal/1"), "a@example.com");
        let b = meeting(None, "\"odd, one\"@example.com");
        let text = whole(Format::Csv, &[&[a], &[b]]);
        assert_eq!(
            text,
            "id,externalId,hostExternalId,hostEmail,guestExternalId,guestEmail,scheduledAt,durationMinutes,status,kind\r\n\
             TWVldGluZzox,cal/1,e1,a@example.com,e2,b@example.com,2026-01-05T14:00:00Z,30,HELD,DIRECT\r\n\
             TWVldGluZzox,,e1,\"\"\"odd, one\"\"@example.com\",e2,b@example.com,2026-01-05T14:00:00Z,30,HELD,DIRECT\r\n"
        );
    }

    #[test]
    fn the_header_row_names_the_fields_in_their_order() {
        let mut csv = csv::Writer::from_writer(Vec::new());
        csv.serialize(meeting(None, "a@example.com")).unwrap();
        let text = String::from_utf8(csv.into_inner().unwrap()).unwrap();
        assert_eq!(
            text.lines().next().unwrap(),
            MeetingRecord::COLUMNS.join(",")
        );
        let coverage = CoverageRecord {
            manager_id: "x".into(),
            manager_external_id: "m".into(),
            manager_name: "M".into(),
            manager_email: "m@example.com".into(),
            as_of: "2026-01-05T14:00:00Z".into(),
            direct_report_count: 1,
            direct_coverage: 1.0,
            skip_level_report_count: 0,
            skip_level_coverage: 1.0,
            overdue_count: 0,
            peer_meeting_count: 0,
            tactical_share: None,
            average_rating: Some(4.5),
            last_check_in_at: None,
            check_in_overdue: true,
            last_trained_at: None,
            pulse_round: None,
            pulse_useful: None,
            pulse_beyond_tactical: None,
            pulse_feedback: None,
            pulse_respondents: None,
        };
        let mut csv = csv::Writer::from_writer(Vec::new());
        csv.serialize(&coverage).unwrap();
        let text = String::from_utf8(csv.into_inner().unwrap()).unwrap();
        assert_eq!(
            text.lines().next().unwrap(),
            CoverageRecord::COLUMNS.join(",")
        );
        assert!(
            text.ends_with(",1.0,0,1.0,0,0,,4.5,,true,,,,,,\n"),
            "{text}"
        );
    }

    #[test]
    fn an_empty_export_is_a_header_row_or_an_empty_array() {
        assert_eq!(
            whole::<MeetingRecord>(Format::Csv, &[]),
            format!("{}\r\n", MeetingRecord::COLUMNS.join(","))
        );
        assert_eq!(whole::<MeetingRecord>(Format::Json, &[]), "[]\n");
        assert_eq!(whole::<MeetingRecord>(Format::Json, &[&[]]), "[]\n");
    }

    #[test]
    fn json_chunks_make_one_array() {
        let text = whole(
            Format::Json,
            &[
                &[meeting(Some("a"), "a@example.com")],
                &[],
                &[meeting(None, "b@example.com")],
            ],
        );
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        let rows = parsed.as_array().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["externalId"], "a");
        assert_eq!(rows[1]["externalId"], serde_json::Value::Null);
        assert_eq!(rows[1]["durationMinutes"], 30);
        let keys: Vec<&str> = rows[0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut columns = MeetingRecord::COLUMNS.to_vec();
        columns.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, columns);
    }
}
