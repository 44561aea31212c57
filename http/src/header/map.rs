//! [`HeaderMap`]: header fields in the order they were received or added.
//!
//! A head holds a few dozen fields at most (the parser's limit defaults to 100), so a
//! vector searched linearly beats a hash table: no hashing, one allocation, and the
//! order is kept for free, which a proxy needs and which repeated fields
//! (`Set-Cookie`) depend on. Lookups ignore ASCII case.

use std::fmt;

use super::{HeaderName, HeaderValue};

/// An ordered multimap of header fields with case-insensitive lookup.
///
/// ```
/// use avx_http::{HeaderMap, HeaderValue, header};
///
/// let mut headers = HeaderMap::new();
/// headers.append(header::SET_COOKIE, HeaderValue::from_static("a=1"));
/// headers.append(header::SET_COOKIE, HeaderValue::from_static("b=2"));
/// assert_eq!(headers.get("Set-Cookie").unwrap(), "a=1");
/// assert_eq!(headers.get_all("set-cookie").count(), 2);
///
/// headers.insert(header::SET_COOKIE, HeaderValue::from_static("c=3"));
/// assert_eq!(headers.get_all(header::SET_COOKIE).count(), 1);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct HeaderMap {
    entries: Vec<(HeaderName, HeaderValue)>,
}

impl HeaderMap {
    /// An empty map.
    pub fn new() -> HeaderMap {
        HeaderMap::default()
    }

    /// An empty map with room for `capacity` fields.
    pub fn with_capacity(capacity: usize) -> HeaderMap {
        HeaderMap {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// How many fields it holds (a repeated name counts once per field).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds no field.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every field.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The first value of the field `name`.
    pub fn get<K: AsRef<[u8]>>(&self, name: K) -> Option<&HeaderValue> {
        let name = name.as_ref();
        self.entries
            .iter()
            .find(|(n, _)| n.is(name))
            .map(|(_, v)| v)
    }

    /// Every value of the field `name`, in order.
    pub fn get_all<K: AsRef<[u8]>>(&self, name: K) -> GetAll<'_, K> {
        GetAll {
            entries: self.entries.iter(),
            name,
        }
    }

    /// Whether a field `name` is present.
    pub fn contains_key<K: AsRef<[u8]>>(&self, name: K) -> bool {
        self.get(name).is_some()
    }

    /// Adds a field after the others, keeping any with the same name.
    pub fn append(&mut self, name: HeaderName, value: HeaderValue) {
        self.entries.push((name, value));
    }

    /// Adds the field whose name is `head[name.0..name.1]` and value
    /// `head[value.0..value.1]`, bytes the parser has already checked (a token, and
    /// field-value bytes). The field is filled where it lies in the map, not built and
    /// moved there.
    #[inline]
    pub(crate) fn append_validated(
        &mut self,
        head: super::HeadBytes<'_>,
        name: (usize, usize),
        value: (usize, usize),
    ) {
        self.entries
            .push((HeaderName::PLACEHOLDER, HeaderValue::PLACEHOLDER));
        let last = self.entries.len() - 1;
        let (field_name, field_value) = &mut self.entries[last];
        field_name.set_validated_range(head, name.0, name.1);
        field_value.set_validated_range(head, value.0, value.1);
    }

    /// Sets the field `name` to `value` alone: the first field of that name takes the
    /// value in place, later ones are removed. Returns the first old value.
    pub fn insert(&mut self, name: HeaderName, value: HeaderValue) -> Option<HeaderValue> {
        let Some(first) = self.entries.iter().position(|(n, _)| *n == name) else {
            self.entries.push((name, value));
            return None;
        };
        let old = std::mem::replace(&mut self.entries[first].1, value);
        let mut index = 0;
        self.entries.retain(|(n, _)| {
            let keep = index <= first || *n != name;
            index += 1;
            keep
        });
        Some(old)
    }

    /// Removes every field `name`, returning the first value.
    pub fn remove<K: AsRef<[u8]>>(&mut self, name: K) -> Option<HeaderValue> {
        let name = name.as_ref();
        let first = self.entries.iter().position(|(n, _)| n.is(name))?;
        let (_, value) = self.entries.remove(first);
        self.entries.retain(|(n, _)| !n.is(name));
        Some(value)
    }

    /// The fields in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            entries: self.entries.iter(),
        }
    }
}

impl fmt::Debug for HeaderMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// The values of one field name, from [`HeaderMap::get_all`].
#[derive(Debug)]
pub struct GetAll<'a, K> {
    entries: std::slice::Iter<'a, (HeaderName, HeaderValue)>,
    name: K,
}

impl<'a, K: AsRef<[u8]>> Iterator for GetAll<'a, K> {
    type Item = &'a HeaderValue;

    fn next(&mut self) -> Option<&'a HeaderValue> {
        let name = self.name.as_ref();
        self.entries.find(|(n, _)| n.is(name)).map(|(_, v)| v)
    }
}

/// The fields of a map in order, from [`HeaderMap::iter`].
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    entries: std::slice::Iter<'a, (HeaderName, HeaderValue)>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a HeaderName, &'a HeaderValue);

    fn next(&mut self) -> Option<Self::Item> {
        self.entries.next().map(|(n, v)| (n, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.entries.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// The fields of a map in order, by value.
#[derive(Debug)]
pub struct IntoIter {
    entries: std::vec::IntoIter<(HeaderName, HeaderValue)>,
}

impl Iterator for IntoIter {
    type Item = (HeaderName, HeaderValue);

    fn next(&mut self) -> Option<Self::Item> {
        self.entries.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.entries.size_hint()
    }
}

impl ExactSizeIterator for IntoIter {}

impl IntoIterator for HeaderMap {
    type Item = (HeaderName, HeaderValue);
    type IntoIter = IntoIter;

    fn into_iter(self) -> IntoIter {
        IntoIter {
            entries: self.entries.into_iter(),
        }
    }
}

impl<'a> IntoIterator for &'a HeaderMap {
    type Item = (&'a HeaderName, &'a HeaderValue);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl FromIterator<(HeaderName, HeaderValue)> for HeaderMap {
    fn from_iter<I: IntoIterator<Item = (HeaderName, HeaderValue)>>(iter: I) -> HeaderMap {
        HeaderMap {
            entries: iter.into_iter().collect(),
        }
    }
}

impl Extend<(HeaderName, HeaderValue)> for HeaderMap {
    fn extend<I: IntoIterator<Item = (HeaderName, HeaderValue)>>(&mut self, iter: I) {
        self.entries.extend(iter);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header;

    fn map(fields: &[(&'static str, &'static str)]) -> HeaderMap {
        fields
            .iter()
            .map(|&(n, v)| (HeaderName::from_static(n), HeaderValue::from_static(v)))
            .collect()
    }

    fn pairs(headers: &HeaderMap) -> Vec<(&str, &str)> {
        headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.to_str().unwrap()))
            .collect()
    }

    #[test]
    fn lookup_ignores_case_and_keeps_order() {
        let headers = map(&[("Host", "a"), ("Accept", "x"), ("accept", "y")]);
        assert_eq!(headers.get("HOST").unwrap(), "a");
        assert_eq!(headers.get(header::ACCEPT).unwrap(), "x");
        let all: Vec<_> = headers.get_all(&header::ACCEPT).collect();
        assert_eq!(all, ["x", "y"]);
        assert!(!headers.contains_key("accep"));
        assert_eq!(
            pairs(&headers),
            [("Host", "a"), ("Accept", "x"), ("accept", "y")]
        );
    }

    #[test]
    fn insert_replaces_in_place() {
        let mut headers = map(&[("a", "1"), ("b", "2"), ("A", "3"), ("c", "4")]);
        let old = headers.insert(HeaderName::from_static("a"), HeaderValue::from_static("9"));
        assert_eq!(old.unwrap(), "1");
        assert_eq!(pairs(&headers), [("a", "9"), ("b", "2"), ("c", "4")]);
        assert!(
            headers
                .insert(HeaderName::from_static("d"), HeaderValue::from_static("5"))
                .is_none()
        );
        assert_eq!(headers.len(), 4);
    }

    #[test]
    fn remove_takes_every_field() {
        let mut headers = map(&[("a", "1"), ("b", "2"), ("A", "3")]);
        assert_eq!(headers.remove("a").unwrap(), "1");
        assert_eq!(pairs(&headers), [("b", "2")]);
        assert!(headers.remove("a").is_none());
        headers.clear();
        assert!(headers.is_empty());
    }
}
