//! Scalars the contract names that async-graphql does not provide under those names.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

/// A calendar date in ISO 8601 form, `YYYY-MM-DD`.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => {
                use chrono::Datelike;
                let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                    InputValueError::custom(format!("{s:?} is not a YYYY-MM-DD date"))
                })?;
                if (1900..=9999).contains(&date.year()) {
                    Ok(Date(date))
                } else {
                    Err(InputValueError::custom(
                        "dates must lie between the years 1900 and 9999",
                    ))
                }
            }
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// Instants outside years 1900–9999 are refused at the edge: nothing in an org's history
/// lies there, and date arithmetic and PostgreSQL timestamps stop short of chrono's range.
pub struct InstantInRange;

impl async_graphql::CustomValidator<chrono::DateTime<chrono::Utc>> for InstantInRange {
    fn check(
        &self,
        value: &chrono::DateTime<chrono::Utc>,
    ) -> Result<(), InputValueError<chrono::DateTime<chrono::Utc>>> {
        use chrono::Datelike;
        if (1900..=9999).contains(&value.year()) {
            Ok(())
        } else {
            Err(InputValueError::custom(
                "must lie between the years 1900 and 9999",
            ))
        }
    }
}
