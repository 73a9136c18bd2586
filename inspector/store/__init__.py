"""Local storage: the run history (store.history) lives here beside the other stores."""
