"""Widgets of the app: the roadmap tree, the detail pane, the progress header, plan views."""
