//! Value types that validate themselves while they are parsed: ids, bounded text and lists,
//! currency amounts, boxes and the image references this server issues.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

/// The largest amount of either currency the contract allows.
pub const CURRENCY_MAX: u32 = 1_000_000_000;

/// Deserialises an unsigned integer and checks it against an inclusive range; used through
/// `deserialize_with` so the error carries the field's path.
pub(crate) fn ranged<'de, D, const MIN: u64, const MAX: u64>(deserializer: D) -> Result<u32, D::Error>
where
    D: Deserializer<'de>,
{
    let value = u64::deserialize(deserializer)?;
    if (MIN..=MAX).contains(&value) {
        Ok(value as u32)
    } else {
        Err(D::Error::custom(format!("{value} is out of range {MIN}..={MAX}")))
    }
}

/// An amount of both currencies, each `0..=1_000_000_000`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CurrencyAmount {
    #[serde(deserialize_with = "ranged::<_, 0, 1_000_000_000>")]
    #[schemars(range(min = 0, max = 1_000_000_000))]
    pub signal: u32,
    #[serde(deserialize_with = "ranged::<_, 0, 1_000_000_000>")]
    #[schemars(range(min = 0, max = 1_000_000_000))]
    pub memory_shard: u32,
}

impl CurrencyAmount {
    pub const ZERO: CurrencyAmount = CurrencyAmount { signal: 0, memory_shard: 0 };

    /// Builds an amount, clamping each currency into the contract's range.
    pub fn new(signal: u64, memory_shard: u64) -> Self {
        let clamp = |value: u64| value.min(u64::from(CURRENCY_MAX)) as u32;
        CurrencyAmount { signal: clamp(signal), memory_shard: clamp(memory_shard) }
    }
}

/// A box in normalised coordinates `0..=1000`, with `ymin < ymax` and `xmin < xmax`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Box2DFields")]
pub struct Box2D {
    ymin: u16,
    xmin: u16,
    ymax: u16,
    xmax: u16,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Box2DFields {
    #[serde(deserialize_with = "ranged::<_, 0, 1000>")]
    ymin: u32,
    #[serde(deserialize_with = "ranged::<_, 0, 1000>")]
    xmin: u32,
    #[serde(deserialize_with = "ranged::<_, 0, 1000>")]
    ymax: u32,
    #[serde(deserialize_with = "ranged::<_, 0, 1000>")]
    xmax: u32,
}

impl TryFrom<Box2DFields> for Box2D {
    type Error = String;

    fn try_from(raw: Box2DFields) -> Result<Self, Self::Error> {
        Box2D::new(raw.ymin as u16, raw.xmin as u16, raw.ymax as u16, raw.xmax as u16)
    }
}

impl Box2D {
    /// Checks the range and the ordering of the corners.
    pub fn new(ymin: u16, xmin: u16, ymax: u16, xmax: u16) -> Result<Self, String> {
        if [ymin, xmin, ymax, xmax].iter().any(|&v| v > 1000) {
            return Err("box coordinates must be within 0..=1000".into());
        }
        if ymin >= ymax || xmin >= xmax {
            return Err(format!(
                "box must have ymin < ymax and xmin < xmax, got ymin={ymin} ymax={ymax} xmin={xmin} xmax={xmax}"
            ));
        }
        Ok(Box2D { ymin, xmin, ymax, xmax })
    }

    /// The corners as `(ymin, xmin, ymax, xmax)`.
    pub fn corners(&self) -> (u16, u16, u16, u16) {
        (self.ymin, self.xmin, self.ymax, self.xmax)
    }
}

impl JsonSchema for Box2D {
    fn schema_name() -> Cow<'static, str> {
        "Box2D".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let coordinate = json_schema!({"type": "integer", "minimum": 0, "maximum": 1000});
        json_schema!({
            "type": "object",
            "description": "Normalised box, 0..=1000, with ymin < ymax and xmin < xmax.",
            "properties": {"ymin": coordinate, "xmin": coordinate, "ymax": coordinate, "xmax": coordinate},
            "required": ["ymin", "xmin", "ymax", "xmax"],
            "additionalProperties": false
        })
    }
}

/// Declares a string newtype that is checked once, when it is built or parsed.
macro_rules! checked_string {
    ($(#[$meta:meta])* $name:ident, $check:path, $schema:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                $check(&value).map(|()| $name(value))
            }
        }

        impl TryFrom<&str> for $name {
            type Error = String;

            fn try_from(value: &str) -> Result<Self, Self::Error> {
                Self::try_from(value.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                $schema
            }
        }
    };
}

fn check_id(value: &str) -> Result<(), String> {
    let valid_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':');
    let length = value.chars().count();
    if length == 0 || length > 64 {
        return Err(format!("id must be 1..=64 characters, got {length}"));
    }
    match value.chars().find(|&c| !valid_char(c)) {
        Some(bad) => Err(format!("id contains {bad:?}; allowed are A-Z a-z 0-9 _ - . :")),
        None => Ok(()),
    }
}

checked_string!(
    /// An id chosen by a client or the game master: 1..=64 characters of `A-Z a-z 0-9 _ - . :`.
    Id,
    check_id,
    json_schema!({"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9_.:-]{1,64}$"})
);

fn check_image_id(value: &str) -> Result<(), String> {
    let hex = value.strip_prefix("img_").unwrap_or("");
    let lower_hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
    if hex.len() == 24 && hex.chars().all(lower_hex) {
        Ok(())
    } else {
        Err(format!("`{value}` is not an image id of this server (img_ + 24 lowercase hex)"))
    }
}

checked_string!(
    /// The id of an image this server made: `img_` and 24 lowercase hex characters.
    ImageId,
    check_image_id,
    json_schema!({"type": "string", "pattern": "^img_[0-9a-f]{24}$"})
);

impl ImageId {
    /// Names an image by its content: the first 24 hex characters of a blake3 digest.
    pub fn from_digest_hex(hex: &str) -> Result<Self, String> {
        Self::try_from(format!("img_{}", hex.get(..24).unwrap_or(hex)))
    }
}

/// Where this server serves its generated images.
pub const GENERATED_IMAGES_PATH: &str = "/static/images/generated/";

/// The image file extensions this server writes.
pub const IMAGE_EXTENSIONS: [&str; 3] = ["png", "jpg", "webp"];

fn check_image_url(value: &str) -> Result<(), String> {
    let not_ours = || format!("`{value}` is not an image URL this server issued");
    let file = value.strip_prefix(GENERATED_IMAGES_PATH).ok_or_else(not_ours)?;
    let (stem, extension) = file.rsplit_once('.').ok_or_else(not_ours)?;
    if IMAGE_EXTENSIONS.contains(&extension) && check_image_id(stem).is_ok() { Ok(()) } else { Err(not_ours()) }
}

checked_string!(
    /// A URL of an image this server issued: `/static/images/generated/<image_id>.<png|jpg|webp>`.
    ImageUrl,
    check_image_url,
    json_schema!({"type": "string", "pattern": "^/static/images/generated/img_[0-9a-f]{24}\\.(png|jpg|webp)$"})
);

impl ImageUrl {
    /// The URL under which an image with this id and extension is served.
    pub fn for_image(id: &ImageId, extension: &str) -> Result<Self, String> {
        Self::try_from(format!("{GENERATED_IMAGES_PATH}{id}.{extension}"))
    }

    /// The file name part, e.g. `img_…​.png`.
    pub fn file_name(&self) -> &str {
        &self.0[GENERATED_IMAGES_PATH.len()..]
    }

    /// The id of the image this URL points at.
    pub fn image_id(&self) -> ImageId {
        let stem = self.file_name().rsplit_once('.').map_or("", |(stem, _)| stem);
        ImageId(stem.to_owned())
    }
}

/// A string of at most `MAX` characters (Unicode scalar values, not bytes).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct BoundedText<const MAX: usize>(String);

impl<const MAX: usize> BoundedText<MAX> {
    pub fn new(text: impl Into<String>) -> Result<Self, String> {
        let text = text.into();
        let count = text.chars().count();
        if count > MAX {
            return Err(format!("at most {MAX} characters allowed, got {count}"));
        }
        Ok(BoundedText(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> Deref for BoundedText<MAX> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de, const MAX: usize> Deserialize<'de> for BoundedText<MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        BoundedText::new(String::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

impl<const MAX: usize> JsonSchema for BoundedText<MAX> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("Text{MAX}").into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "maxLength": MAX})
    }
}

/// A list of at most `MAX` items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct BoundedVec<T, const MAX: usize>(Vec<T>);

impl<T, const MAX: usize> Default for BoundedVec<T, MAX> {
    fn default() -> Self {
        BoundedVec(Vec::new())
    }
}

impl<T, const MAX: usize> BoundedVec<T, MAX> {
    pub fn new(items: Vec<T>) -> Result<Self, String> {
        if items.len() > MAX {
            return Err(format!("at most {MAX} items allowed, got {}", items.len()));
        }
        Ok(BoundedVec(items))
    }

    /// Adds an item when there is room; hands it back otherwise.
    pub fn try_push(&mut self, item: T) -> Result<(), T> {
        if self.0.len() < MAX {
            self.0.push(item);
            Ok(())
        } else {
            Err(item)
        }
    }

    /// Keeps only the items the predicate accepts; the bound cannot be broken by removing.
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.0.retain(keep);
    }

    pub fn into_inner(self) -> Vec<T> {
        self.0
    }
}

impl<T, const MAX: usize> Deref for BoundedVec<T, MAX> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<'de, T: Deserialize<'de>, const MAX: usize> Deserialize<'de> for BoundedVec<T, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        BoundedVec::new(Vec::<T>::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

impl<T: JsonSchema, const MAX: usize> JsonSchema for BoundedVec<T, MAX> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("List{MAX}_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "array", "items": generator.subschema_for::<T>(), "maxItems": MAX})
    }
}
