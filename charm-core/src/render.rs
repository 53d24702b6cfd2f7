//! YAML-safe rendering of askama templates (being written).
