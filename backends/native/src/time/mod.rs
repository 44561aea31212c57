//! Time: a pausable clock, the hierarchical timer wheel and `Sleep`.
