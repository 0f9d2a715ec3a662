"""The themes Textual ships render the views: the app has no colours of its own that clash."""

from __future__ import annotations

from tests.tui.conftest import make_app, settle


async def test_builtin_themes_render_the_views(demo_path: str) -> None:
    """Each theme on one view, rotating, so every view meets several themes."""
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        themes = sorted(app.available_themes)
        assert len(themes) >= 10  # Textual ships a dozen or more
        for index, theme in enumerate(themes):
            app.theme = theme
            await pilot.press("123456"[index % 6])
            await settle(pilot)
            assert app.screen.query("DataTable")  # the view is there, not an error screen
        assert app.return_code is None  # nothing crashed the app
