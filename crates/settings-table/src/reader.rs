//! Typed reads of single variables, each failing with an error that names the variable. Defaults
//! come from the table in `variables.rs`, never from the caller.

use std::collections::HashMap;
use std::fmt::Display;
use std::str::FromStr;
use std::time::Duration;

use super::SettingsError;
use super::variables::default_of;

/// The variables as given; an empty value counts as unset, as `.env` files often leave them.
pub(super) struct Variables<'a> {
    map: &'a HashMap<String, String>,
}

impl<'a> Variables<'a> {
    pub(super) fn new(map: &'a HashMap<String, String>) -> Self {
        Variables { map }
    }

    /// The value as set, trimmed; `None` when unset or empty.
    pub(super) fn optional(&self, name: &str) -> Option<&'a str> {
        self.map.get(name).map(|value| value.trim()).filter(|value| !value.is_empty())
    }

    /// The value as set, or the table's default.
    pub(super) fn value(&self, name: &str) -> Option<&'a str> {
        self.optional(name).or_else(|| default_of(name))
    }

    pub(super) fn text(&self, name: &str) -> String {
        self.value(name).unwrap_or_default().to_owned()
    }

    /// Any `FromStr` value, with the parser's own message as the reason.
    pub(super) fn parsed<T>(&self, name: &'static str) -> Result<T, SettingsError>
    where
        T: FromStr,
        T::Err: Display,
    {
        let value = self.value(name).unwrap_or_default();
        value.parse().map_err(|error: T::Err| invalid(name, value, error.to_string()))
    }

    /// An unsigned number no smaller than `min`.
    pub(super) fn number<T>(&self, name: &'static str, min: T) -> Result<T, SettingsError>
    where
        T: FromStr + PartialOrd + Display + Copy,
    {
        match self.optional(name) {
            None => Ok(table_default(name)),
            Some(value) => {
                let number: T =
                    value.parse().map_err(|_| invalid(name, value, "expected an unsigned integer".to_owned()))?;
                if number < min {
                    return Err(invalid(name, value, format!("must be at least {min}")));
                }
                Ok(number)
            }
        }
    }

    pub(super) fn optional_number(&self, name: &'static str, min: usize) -> Result<Option<usize>, SettingsError> {
        match self.optional(name) {
            None => Ok(None),
            Some(_) => self.number(name, min).map(Some),
        }
    }

    pub(super) fn millis(&self, name: &'static str, min: u64) -> Result<Duration, SettingsError> {
        self.number(name, min).map(Duration::from_millis)
    }

    /// One of a fixed set of words.
    pub(super) fn choice<T: Copy>(&self, name: &'static str, choices: &[(&str, T)]) -> Result<T, SettingsError> {
        let value = self.value(name).unwrap_or_default();
        choices.iter().find(|(word, _)| word.eq_ignore_ascii_case(value)).map(|(_, choice)| *choice).ok_or_else(|| {
            let words: Vec<&str> = choices.iter().map(|(word, _)| *word).collect();
            invalid(name, value, format!("expected one of {}", words.join(", ")))
        })
    }
}

/// A number's default from the table; a default that does not parse is a bug the settings tests
/// catch at once.
fn table_default<T: FromStr>(name: &str) -> T {
    default_of(name)
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| panic!("the default of {name} in the settings table is not a number"))
}

fn invalid(variable: &'static str, value: &str, reason: String) -> SettingsError {
    SettingsError { variable, value: value.to_owned(), reason }
}
