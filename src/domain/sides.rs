//! A link's two sides: one value per system, in one type, so a pair of "Reservio …, Termino …"
//! fields is never spelled out again. What a side holds depends on who reads it — a stored
//! snapshot (`db::link_sides`), what the merge sees ([`crate::domain::reconcile::Side`]), a
//! booking's id in its system, a field as a page shows it.

use super::booking::System;

/// One `T` for each system.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sides<T> {
    pub reservio: T,
    pub termino: T,
}

impl<T> Sides<T> {
    pub fn new(reservio: T, termino: T) -> Sides<T> {
        Sides { reservio, termino }
    }

    /// The side of `system`.
    pub fn get(&self, system: System) -> &T {
        match system {
            System::Reservio => &self.reservio,
            System::Termino => &self.termino,
        }
    }

    /// The side of `system`, to change.
    pub fn get_mut(&mut self, system: System) -> &mut T {
        match system {
            System::Reservio => &mut self.reservio,
            System::Termino => &mut self.termino,
        }
    }

    /// Both sides borrowed.
    pub fn as_ref(&self) -> Sides<&T> {
        Sides {
            reservio: &self.reservio,
            termino: &self.termino,
        }
    }

    /// Each side turned into something else, told which system it is.
    pub fn map<U>(self, mut f: impl FnMut(System, T) -> U) -> Sides<U> {
        Sides {
            reservio: f(System::Reservio, self.reservio),
            termino: f(System::Termino, self.termino),
        }
    }

    /// Both sides with their system, Reservio first (the order the pages show them in).
    pub fn pairs(&self) -> [(System, &T); 2] {
        [
            (System::Reservio, &self.reservio),
            (System::Termino, &self.termino),
        ]
    }
}

impl<T> Sides<Option<T>> {
    /// Both sides, when both are there.
    pub fn both(&self) -> Option<(&T, &T)> {
        Some((self.reservio.as_ref()?, self.termino.as_ref()?))
    }

    /// Whether the sides disagree on what `field` compares; a missing side disagrees with
    /// nothing (its absence is told, and flagged, by itself).
    pub fn differ(&self, field: impl Fn(&T, &T) -> bool) -> bool {
        self.both().is_some_and(|(r, t)| field(r, t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_system_reaches_its_own_side() {
        let mut sides = Sides::new(1, 2);
        assert_eq!(*sides.get(System::Reservio), 1);
        assert_eq!(*sides.get(System::Termino), 2);
        *sides.get_mut(System::Termino) = 3;
        assert_eq!(sides.termino, 3);
        let named = sides.map(|system, n| format!("{system}{n}"));
        assert_eq!(named, Sides::new("reservio1".into(), "termino3".into()));
        let order: Vec<System> = named.pairs().iter().map(|(s, _)| *s).collect();
        assert_eq!(order, System::BOTH);
    }

    #[test]
    fn a_missing_side_differs_from_nothing() {
        let one = Sides::new(Some(1), None);
        assert_eq!(one.both(), None);
        assert!(!one.differ(|a, b| a != b));
        let two = Sides::new(Some(1), Some(2));
        assert_eq!(two.both(), Some((&1, &2)));
        assert!(two.differ(|a, b| a != b));
        assert!(!Sides::new(Some(2), Some(2)).differ(|a, b| a != b));
    }
}
