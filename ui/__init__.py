"""The Bron chat (Gradio): ui.app.launch() serves it, ui.render builds its HTML."""
