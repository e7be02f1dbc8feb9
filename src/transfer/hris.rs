//! HRIS CSV exports: the mapping file that says which column holds what, and the reading
//! of the CSV into rows, each with its line in the file, and every problem found on the way.
//!
//! The mapping file is TOML; every key is optional:
//!
//! ```toml
//! delimiter = ";"            # ",", ";" or "\t" (also "tab"); default ","
//! date_format = "%m/%d/%Y"   # chrono strftime; default "%Y-%m-%d"
//!
//! [columns]                  # the source header of each field; default as shown
//! employee_id = "Employee ID"
//! first_name = "First Name"
//! last_name = "Last Name"
//! work_email = "Work Email"
//! job_title = "Job Title"
//! department = "Department"
//! manager_id = "Manager ID"
//! hire_date = "Hire Date"
//! termination_date = "Termination Date"
//! ```

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::FileProblem;

/// Which column holds each field, how dates are written and what separates fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub columns: Columns,
    /// A chrono `strftime` format, e.g. `%Y-%m-%d` or `%m/%d/%Y`.
    pub date_format: String,
    /// `,`, `;` or tab.
    pub delimiter: u8,
}

/// The header of the column that holds each field.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Columns {
    pub employee_id: String,
    pub first_name: String,
    pub last_name: String,
    pub work_email: String,
    pub job_title: String,
    pub department: String,
    pub manager_id: String,
    pub hire_date: String,
    pub termination_date: String,
}

impl Default for Columns {
    fn default() -> Self {
        Self {
            employee_id: "Employee ID".into(),
            first_name: "First Name".into(),
            last_name: "Last Name".into(),
            work_email: "Work Email".into(),
            job_title: "Job Title".into(),
            department: "Department".into(),
            manager_id: "Manager ID".into(),
            hire_date: "Hire Date".into(),
            termination_date: "Termination Date".into(),
        }
    }
}

impl Default for Mapping {
    fn default() -> Self {
        Self {
            columns: Columns::default(),
            date_format: DEFAULT_DATE_FORMAT.into(),
            delimiter: b',',
        }
    }
}

const DEFAULT_DATE_FORMAT: &str = "%Y-%m-%d";

/// The mapping file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    #[serde(default)]
    columns: Columns,
    date_format: Option<String>,
    delimiter: Option<String>,
}

impl Mapping {
    /// Reads a mapping file; a problem names its line in the mapping file.
    pub fn from_toml(text: &str) -> Result<Mapping, FileProblem> {
        let file: MappingFile = toml::from_str(text).map_err(|e| FileProblem {
            line: e.span().map_or(1, |s| line_of_offset(text, s.start)),
            column: None,
            message: format!("the mapping file: {}", e.message()),
        })?;
        let delimiter = match file.delimiter.as_deref() {
            None | Some(",") => b',',
            Some(";") => b';',
            Some("\t" | "tab") => b'\t',
            Some(other) => {
                return Err(FileProblem {
                    line: line_of_key(text, "delimiter"),
                    column: None,
                    message: format!(
                        "the mapping file: delimiter {other:?} is not one of \",\", \";\" or \"\\t\""
                    ),
                });
            }
        };
        let date_format = file
            .date_format
            .unwrap_or_else(|| DEFAULT_DATE_FORMAT.into());
        if chrono::format::StrftimeItems::new(&date_format)
            .parse()
            .is_err()
        {
            return Err(FileProblem {
                line: line_of_key(text, "date_format"),
                column: None,
                message: format!(
                    "the mapping file: date_format {date_format:?} is not a valid format"
                ),
            });
        }
        Ok(Mapping {
            columns: file.columns,
            date_format,
            delimiter,
        })
    }
}

/// The 1-based line of byte `offset` in `text`.
fn line_of_offset(text: &str, offset: usize) -> u64 {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + 1
}

/// The line where `key` is set, else 1.
fn line_of_key(text: &str, key: &str) -> u64 {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map_or(1, |i| i as u64 + 1)
}

/// One person as the file gives them, with the line their record starts on. Text is
/// trimmed; empty optional fields are `None`; a date that does not read is `None` (and a
/// problem).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HrisRow {
    pub line: u64,
    pub employee_id: String,
    pub first_name: String,
    pub last_name: String,
    pub work_email: String,
    pub job_title: Option<String>,
    pub department: Option<String>,
    pub manager_id: Option<String>,
    pub hire_date: Option<NaiveDate>,
    pub termination_date: Option<NaiveDate>,
}

impl HrisRow {
    /// First and last name, as one.
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_string()
    }
}

/// A file read: its rows in file order, and every problem the file shows on its own.
/// When a required column is missing there are no rows.
#[derive(Debug, Default)]
pub struct HrisFile {
    pub rows: Vec<HrisRow>,
    pub problems: Vec<FileProblem>,
}

/// Reads an HRIS CSV export. Problems that need the rest of the org (an unknown manager,
/// an email someone else has) are not looked for here.
pub fn read(bytes: &[u8], mapping: &Mapping) -> HrisFile {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(mapping.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut out = HrisFile::default();
    let mut lines = LineCounter::new(bytes);
    let mut records = reader.byte_records();
    let header = loop {
        match records.next() {
            None => {
                out.problems.push(FileProblem {
                    line: 1,
                    column: None,
                    message: "the file is empty: it needs a header row".into(),
                });
                return out;
            }
            Some(Err(e)) => {
                out.problems.push(csv_problem(&e, &mut lines));
                return out;
            }
            Some(Ok(record)) if is_blank(&record) => continue,
            Some(Ok(record)) => break record,
        }
    };
    let header_line = lines.of(&header);
    let headers: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_string())
        .collect();
    let Some(at) = Positions::find(&headers, &mapping.columns, header_line, &mut out.problems)
    else {
        return out;
    };
    let mut first_of_id: HashMap<String, u64> = HashMap::new();
    let mut first_of_email: HashMap<String, u64> = HashMap::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                out.problems.push(csv_problem(&e, &mut lines));
                // After a broken record the reader cannot be trusted to find the next one.
                break;
            }
        };
        if is_blank(&record) {
            continue;
        }
        let line = lines.of(&record);
        let mut cells = Cells {
            record: &record,
            line,
            problems: &mut out.problems,
        };
        if record.len() != headers.len() {
            cells.problem(
                None,
                format!(
                    "has {} fields where the header has {}",
                    record.len(),
                    headers.len()
                ),
            );
        }
        let c = &mapping.columns;
        let employee_id = cells.text(at.employee_id, &c.employee_id);
        let first_name = cells.text(at.first_name, &c.first_name);
        let last_name = cells.text(at.last_name, &c.last_name);
        let work_email = cells.text(at.work_email, &c.work_email).to_lowercase();
        let job_title = at.job_title.map(|i| cells.text(i, &c.job_title));
        let department = at.department.map(|i| cells.text(i, &c.department));
        let manager_id = at.manager_id.map(|i| cells.text(i, &c.manager_id));
        let hire_date = at
            .hire_date
            .and_then(|i| cells.date(i, &c.hire_date, &mapping.date_format));
        let termination_date = at
            .termination_date
            .and_then(|i| cells.date(i, &c.termination_date, &mapping.date_format));
        if employee_id.is_empty() {
            cells.problem(Some(&c.employee_id), "is empty".into());
        } else if let Some(first) = first_line(&mut first_of_id, &employee_id, line) {
            cells.problem(
                Some(&c.employee_id),
                format!("{employee_id} is already on line {first}"),
            );
        }
        if work_email.is_empty() {
            cells.problem(Some(&c.work_email), "is empty".into());
        } else if let Some(first) = first_line(&mut first_of_email, &work_email, line) {
            cells.problem(
                Some(&c.work_email),
                format!("{work_email} is already on line {first}"),
            );
        }
        out.rows.push(HrisRow {
            line,
            employee_id,
            first_name,
            last_name,
            work_email,
            job_title: job_title.filter(|s| !s.is_empty()),
            department: department.filter(|s| !s.is_empty()),
            manager_id: manager_id.filter(|s| !s.is_empty()),
            hire_date,
            termination_date,
        });
    }
    out.problems.extend(cycles(&out.rows, &mapping.columns));
    out.problems.sort_by_key(|p| p.line);
    out
}

/// The line `value` was first seen on, if before `line`; else remembers `line`.
fn first_line(seen: &mut HashMap<String, u64>, value: &str, line: u64) -> Option<u64> {
    match seen.get(value) {
        Some(first) => Some(*first),
        None => {
            seen.insert(value.to_string(), line);
            None
        }
    }
}

/// Where each field's column is in the header row.
struct Positions {
    employee_id: usize,
    first_name: usize,
    last_name: usize,
    work_email: usize,
    job_title: Option<usize>,
    department: Option<usize>,
    manager_id: Option<usize>,
    hire_date: Option<usize>,
    termination_date: Option<usize>,
}

impl Positions {
    /// The positions, or `None` after a problem for each required column that is missing.
    fn find(
        headers: &[String],
        columns: &Columns,
        line: u64,
        problems: &mut Vec<FileProblem>,
    ) -> Option<Positions> {
        let find = |name: &str| headers.iter().position(|h| h == name);
        let mut required = |name: &str| {
            let found = find(name);
            if found.is_none() {
                problems.push(FileProblem {
                    line,
                    column: Some(name.to_string()),
                    message: "this required column is missing from the header".into(),
                });
            }
            found
        };
        let employee_id = required(&columns.employee_id);
        let first_name = required(&columns.first_name);
        let last_name = required(&columns.last_name);
        let work_email = required(&columns.work_email);
        Some(Positions {
            employee_id: employee_id?,
            first_name: first_name?,
            last_name: last_name?,
            work_email: work_email?,
            job_title: find(&columns.job_title),
            department: find(&columns.department),
            manager_id: find(&columns.manager_id),
            hire_date: find(&columns.hire_date),
            termination_date: find(&columns.termination_date),
        })
    }
}

/// The fields of one record, read with their problems.
struct Cells<'a> {
    record: &'a csv::ByteRecord,
    line: u64,
    problems: &'a mut Vec<FileProblem>,
}

impl Cells<'_> {
    fn problem(&mut self, column: Option<&str>, message: String) {
        self.problems.push(FileProblem {
            line: self.line,
            column: column.map(String::from),
            message,
        });
    }

    /// The trimmed text at `i` (empty when the record is short).
    fn text(&mut self, i: usize, column: &str) -> String {
        let raw = self.record.get(i).unwrap_or_default();
        match std::str::from_utf8(raw) {
            Ok(s) => s.trim().to_string(),
            Err(_) => {
                self.problem(Some(column), "is not valid UTF-8".into());
                String::from_utf8_lossy(raw).trim().to_string()
            }
        }
    }

    /// The date at `i`: `None` when empty, or (with a problem) when it does not read.
    fn date(&mut self, i: usize, column: &str, format: &str) -> Option<NaiveDate> {
        let text = self.text(i, column);
        if text.is_empty() {
            return None;
        }
        match NaiveDate::parse_from_str(&text, format) {
            Ok(date) => Some(date),
            Err(_) => {
                self.problem(
                    Some(column),
                    format!("{text:?} is not a date in the format {format}"),
                );
                None
            }
        }
    }
}

/// The lines records start on, counted from their byte offsets. csv's own
/// `Position::line` counts a CRLF's `\n` as part of the next record, one line early.
struct LineCounter<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            at: 0,
            line: 1,
        }
    }

    /// The 1-based line of the first byte at or after `offset` that is not a line end
    /// (offsets only grow).
    fn at_offset(&mut self, offset: u64) -> u64 {
        let mut start = (offset as usize).clamp(self.at, self.bytes.len());
        while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        self.line += self.bytes[self.at..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.at = start;
        self.line
    }

    /// The line a record starts on.
    fn of(&mut self, record: &csv::ByteRecord) -> u64 {
        let offset = record
            .position()
            .map_or(self.at as u64, csv::Position::byte);
        self.at_offset(offset)
    }
}

/// A record of nothing but empty fields (an empty line, or a line of delimiters).
fn is_blank(record: &csv::ByteRecord) -> bool {
    record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace))
}

fn csv_problem(e: &csv::Error, lines: &mut LineCounter) -> FileProblem {
    FileProblem {
        line: e
            .position()
            .map_or(lines.line, |p| lines.at_offset(p.byte())),
        column: None,
        message: format!("the CSV does not read: {e}"),
    }
}

/// One problem on the Manager ID of each row in a reporting cycle among the file's rows.
fn cycles(rows: &[HrisRow], columns: &Columns) -> Vec<FileProblem> {
    let index: HashMap<&str, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.employee_id.as_str(), i))
        .collect();
    let manager_of = |i: usize| -> Option<usize> {
        let m = rows[i].manager_id.as_deref()?;
        index.get(m).copied()
    };
    // 0: not seen; 1: on the path being walked; 2: done.
    let mut state = vec![0u8; rows.len()];
    let mut problems = Vec::new();
    for start in 0..rows.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            match state[i] {
                2 => break,
                1 => {
                    let from = path.iter().position(|&p| p == i).unwrap_or(0);
                    let cycle: &[usize] = &path[from..];
                    let names: Vec<&str> = cycle
                        .iter()
                        .chain(cycle.first())
                        .map(|&j| rows[j].employee_id.as_str())
                        .collect();
                    let message = if cycle.len() == 1 {
                        "a person cannot be their own manager".to_string()
                    } else {
                        format!("makes a reporting cycle: {}", names.join(" → "))
                    };
                    for &j in cycle {
                        problems.push(FileProblem {
                            line: rows[j].line,
                            column: Some(columns.manager_id.clone()),
                            message: message.clone(),
                        });
                    }
                    break;
                }
                _ => {
                    state[i] = 1;
                    path.push(i);
                    at = manager_of(i);
                }
            }
        }
        for i in path {
            state[i] = 2;
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "Employee ID,First Name,Last Name,Work Email,Job Title,Department,Manager ID,Hire Date,Termination Date";

    fn read_str(text: &str) -> HrisFile {
        read(text.as_bytes(), &Mapping::default())
    }

    fn problems(file: &HrisFile) -> Vec<(u64, Option<&str>)> {
        file.problems
            .iter()
            .map(|p| (p.line, p.column.as_deref()))
            .collect()
    }

    #[test]
    fn a_quoted_newline_makes_lines_differ_from_record_numbers() {
        let text = format!(
            "{HEADER}\r\nE1,Ann,Lee,ann@x.com,\"Head of\nThings, \"\"Big\"\"\",Ops,,2020-01-02,\r\nE2,Bob,Ng,bob@x.com,,Ops,E1,,\r\n"
        );
        let file = read_str(&text);
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        assert_eq!(file.rows.len(), 2);
        assert_eq!(file.rows[0].line, 2);
        assert_eq!(
            file.rows[0].job_title.as_deref(),
            Some("Head of\nThings, \"Big\"")
        );
        assert_eq!(file.rows[1].line, 4, "the quoted newline takes a line");
        assert_eq!(file.rows[0].hire_date, NaiveDate::from_ymd_opt(2020, 1, 2));
    }

    #[test]
    fn a_bom_blank_lines_and_non_ascii_names_read() {
        let text = format!("\u{feff}{HEADER}\nE1,Zoë,Ångström,ZOE@x.com,,,,,\n\n,,,,,,,,\n\n");
        let file = read_str(&text);
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        assert_eq!(file.rows.len(), 1);
        assert_eq!(file.rows[0].name(), "Zoë Ångström");
        assert_eq!(file.rows[0].work_email, "zoe@x.com");
    }

    #[test]
    fn every_problem_is_reported_with_its_line_and_column() {
        let text = format!(
            "{HEADER}\nE1,Ann,Lee,ann@x.com,,,,2020-13-01,\nE1,Bob,Ng,,,,,,\nE3,Cy,Oh,ann@x.com,,,,,\n,Di,Po,di@x.com,,,,,\n"
        );
        let file = read_str(&text);
        assert_eq!(
            problems(&file),
            vec![
                (2, Some("Hire Date")),
                (3, Some("Employee ID")),
                (3, Some("Work Email")),
                (4, Some("Work Email")),
                (5, Some("Employee ID")),
            ]
        );
        assert!(file.problems[1].message.contains("already on line 2"));
    }

    #[test]
    fn missing_required_columns_are_named_on_the_header_line() {
        let file = read_str("Employee ID,Name,Email\nE1,Ann,ann@x.com\n");
        assert_eq!(
            problems(&file),
            vec![
                (1, Some("First Name")),
                (1, Some("Last Name")),
                (1, Some("Work Email"))
            ]
        );
        assert!(file.rows.is_empty());
    }

    #[test]
    fn a_cycle_in_the_file_names_each_row_in_it() {
        let text = format!(
            "{HEADER}\nA,A,A,a@x.com,,,B,,\nB,B,B,b@x.com,,,C,,\nC,C,C,c@x.com,,,A,,\nD,D,D,d@x.com,,,A,,\n"
        );
        let file = read_str(&text);
        assert_eq!(
            problems(&file),
            vec![
                (2, Some("Manager ID")),
                (3, Some("Manager ID")),
                (4, Some("Manager ID"))
            ]
        );
    }

    #[test]
    fn a_mapping_renames_columns_and_reads_other_dates_and_delimiters() {
        let mapping = Mapping::from_toml(
            "delimiter = \";\"\ndate_format = \"%m/%d/%Y\"\n[columns]\nemployee_id = \"Id\"\nwork_email = \"Mail\"\n",
        )
        .unwrap();
        assert_eq!(mapping.delimiter, b';');
        let file = read(
            b"Id;First Name;Last Name;Mail;Hire Date\nE1;Ann;Lee;a@x.com;12/31/2020\n",
            &mapping,
        );
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        assert_eq!(
            file.rows[0].hire_date,
            NaiveDate::from_ymd_opt(2020, 12, 31)
        );
        assert_eq!(
            Mapping::from_toml("delimiter = \"\\t\"").unwrap().delimiter,
            b'\t'
        );
    }

    #[test]
    fn a_bad_mapping_says_where() {
        let e = Mapping::from_toml("\n[columns]\nemploye_id = \"Id\"\n").unwrap_err();
        assert_eq!(e.line, 3, "{e:?}");
        let e = Mapping::from_toml("date_format = \"%Y\"\ndelimiter = \"|\"\n").unwrap_err();
        assert_eq!(e.line, 2, "{e:?}");
    }
}
