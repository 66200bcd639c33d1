//! Typed reads of single variables, each failing with an error that names the variable. Defaults
//! come from the table in `table.rs`, never from the caller.

use std::collections::HashMap;
use std::fmt::{self, Display};
use std::str::FromStr;
use std::time::Duration;

use crate::table::default_of;

/// A variable whose value cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    pub variable: &'static str,
    pub value: String,
    pub reason: String,
}

impl Display for SettingsError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}={:?} is invalid: {}", self.variable, self.value, self.reason)
    }
}

impl std::error::Error for SettingsError {}

/// A variable name to its value, when set.
type Lookup<'a> = Box<dyn Fn(&str) -> Option<String> + 'a>;

/// The variables as given, through a lookup (a map in tests, the process environment at
/// startup); an empty value counts as unset, as `.env` files often leave them.
pub struct Variables<'a> {
    lookup: Lookup<'a>,
}

impl fmt::Debug for Variables<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Variables")
    }
}

impl<'a> Variables<'a> {
    /// Reads from a map of variables.
    pub fn new(map: &'a HashMap<String, String>) -> Self {
        Variables::from_lookup(|name| map.get(name).cloned())
    }

    /// Reads through `lookup`, a variable name to its value.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String> + 'a) -> Self {
        Variables { lookup: Box::new(lookup) }
    }

    /// The value as set, trimmed; `None` when unset or empty.
    pub fn optional(&self, name: &str) -> Option<String> {
        (self.lookup)(name).map(|value| value.trim().to_owned()).filter(|value| !value.is_empty())
    }

    /// The value as set, or the table's default.
    pub fn value(&self, name: &str) -> Option<String> {
        self.optional(name).or_else(|| default_of(name).map(str::to_owned))
    }

    /// The value as set or defaulted; empty when the table has no default.
    pub fn text(&self, name: &str) -> String {
        self.value(name).unwrap_or_default()
    }

    /// Any `FromStr` value, with the parser's own message as the reason.
    pub fn parsed<T>(&self, name: &'static str) -> Result<T, SettingsError>
    where
        T: FromStr,
        T::Err: Display,
    {
        let value = self.text(name);
        value.parse().map_err(|error: T::Err| invalid(name, &value, error.to_string()))
    }

    /// An unsigned number no smaller than `min`.
    pub fn number<T>(&self, name: &'static str, min: T) -> Result<T, SettingsError>
    where
        T: FromStr + PartialOrd + Display + Copy,
    {
        match self.optional(name) {
            None => Ok(table_default(name)),
            Some(value) => {
                let number: T =
                    value.parse().map_err(|_| invalid(name, &value, "expected an unsigned integer".to_owned()))?;
                if number < min {
                    return Err(invalid(name, &value, format!("must be at least {min}")));
                }
                Ok(number)
            }
        }
    }

    pub fn optional_number(&self, name: &'static str, min: usize) -> Result<Option<usize>, SettingsError> {
        match self.optional(name) {
            None => Ok(None),
            Some(_) => self.number(name, min).map(Some),
        }
    }

    /// A number of milliseconds no smaller than `min`.
    pub fn millis(&self, name: &'static str, min: u64) -> Result<Duration, SettingsError> {
        self.number(name, min).map(Duration::from_millis)
    }

    /// One of a fixed set of words.
    pub fn choice<T: Copy>(&self, name: &'static str, choices: &[(&str, T)]) -> Result<T, SettingsError> {
        let value = self.text(name);
        choices.iter().find(|(word, _)| word.eq_ignore_ascii_case(&value)).map(|(_, choice)| *choice).ok_or_else(|| {
            let words: Vec<&str> = choices.iter().map(|(word, _)| *word).collect();
            invalid(name, &value, format!("expected one of {}", words.join(", ")))
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::Variables;

    fn read(pairs: &'static [(&'static str, &'static str)]) -> Variables<'static> {
        Variables::from_lookup(|name| pairs.iter().find(|(key, _)| *key == name).map(|(_, value)| (*value).to_owned()))
    }

    #[test]
    fn values_are_trimmed_and_empty_counts_as_unset() {
        let vars = read(&[("UW_DATA_DIR", "  /srv/uw  "), ("UW_STATIC_DIR", "   ")]);
        assert_eq!(vars.text("UW_DATA_DIR"), "/srv/uw");
        assert_eq!(vars.optional("UW_STATIC_DIR"), None);
        assert_eq!(vars.text("UW_STATIC_DIR"), "static", "the table's default");
    }

    #[test]
    fn numbers_take_the_table_default_and_refuse_bad_values_naming_the_variable() {
        assert_eq!(read(&[]).millis("UW_TEXT_TIMEOUT_MS", 1).unwrap(), Duration::from_millis(90_000));
        let error = read(&[("UW_TEXT_TIMEOUT_MS", "soon")]).millis("UW_TEXT_TIMEOUT_MS", 1).unwrap_err();
        assert_eq!((error.variable, error.value.as_str()), ("UW_TEXT_TIMEOUT_MS", "soon"));
        let error = read(&[("UW_MAX_CONNECTIONS", "0")]).number::<usize>("UW_MAX_CONNECTIONS", 1).unwrap_err();
        assert_eq!(error.to_string(), "UW_MAX_CONNECTIONS=\"0\" is invalid: must be at least 1");
    }

    #[test]
    fn a_choice_ignores_case_and_lists_the_choices_when_refused() {
        let vars = read(&[("UW_MODE", "REAL"), ("UW_LOG_FORMAT", "xml")]);
        assert_eq!(vars.choice("UW_MODE", &[("mock", 0), ("real", 1)]).unwrap(), 1);
        let error = vars.choice("UW_LOG_FORMAT", &[("pretty", 0), ("json", 1)]).unwrap_err();
        assert_eq!(error.reason, "expected one of pretty, json");
    }
}
