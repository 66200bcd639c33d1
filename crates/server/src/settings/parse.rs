//! Typed reads of single variables, each failing with an error that names the variable.

use std::collections::HashMap;
use std::fmt::Display;
use std::str::FromStr;
use std::time::Duration;

use super::SettingsError;

/// The variables as given; an empty value counts as unset, as `.env` files often leave them.
pub(super) struct Variables<'a> {
    map: &'a HashMap<String, String>,
}

impl<'a> Variables<'a> {
    pub(super) fn new(map: &'a HashMap<String, String>) -> Self {
        Variables { map }
    }

    pub(super) fn optional(&self, name: &str) -> Option<&'a str> {
        self.map.get(name).map(|value| value.trim()).filter(|value| !value.is_empty())
    }

    pub(super) fn text(&self, name: &str, default: &str) -> String {
        self.optional(name).unwrap_or(default).to_owned()
    }

    /// Any `FromStr` value, with the parser's own message as the reason.
    pub(super) fn parsed<T>(&self, name: &'static str, default: &str) -> Result<T, SettingsError>
    where
        T: FromStr,
        T::Err: Display,
    {
        let value = self.optional(name).unwrap_or(default);
        value.parse().map_err(|error: T::Err| invalid(name, value, error.to_string()))
    }

    /// An unsigned number no smaller than `min`.
    pub(super) fn number<T>(&self, name: &'static str, default: T, min: T) -> Result<T, SettingsError>
    where
        T: FromStr + PartialOrd + Display + Copy,
    {
        match self.optional(name) {
            None => Ok(default),
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
            Some(_) => self.number(name, min, min).map(Some),
        }
    }

    pub(super) fn millis(&self, name: &'static str, default: u64, min: u64) -> Result<Duration, SettingsError> {
        self.number(name, default, min).map(Duration::from_millis)
    }

    /// One of a fixed set of words.
    pub(super) fn choice<T: Copy>(
        &self,
        name: &'static str,
        default: &str,
        choices: &[(&str, T)],
    ) -> Result<T, SettingsError> {
        let value = self.optional(name).unwrap_or(default);
        choices.iter().find(|(word, _)| word.eq_ignore_ascii_case(value)).map(|(_, choice)| *choice).ok_or_else(|| {
            let words: Vec<&str> = choices.iter().map(|(word, _)| *word).collect();
            invalid(name, value, format!("expected one of {}", words.join(", ")))
        })
    }
}

fn invalid(variable: &'static str, value: &str, reason: String) -> SettingsError {
    SettingsError { variable, value: value.to_owned(), reason }
}
