"""The process: settings, app factory, authentication, context, CLI, web pages."""
