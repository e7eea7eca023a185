//! The refusal every parser of form input gives, apart from the values it refuses so that
//! each of them can use it.

/// Why a value from a form was refused; the key names a message in the catalogues.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid(pub &'static str);
