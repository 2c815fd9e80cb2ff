"""``docgen serve``: the web page over the same library."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli.help import N_, command, option
from docgen.cli.report import echo, fail, reported_errors
from docgen.errors import display_path
from docgen.i18n import _


@command(
    help=N_(
        """在浏览器中使用 docgen：上传统计表和名册、填写设置、生成并下载全部文档。

    默认只允许本机访问（127.0.0.1）；用 --host 让其他电脑访问时必须设密码（--password-file
    或环境变量 DOCGEN_PASSWORD），打开网页时要先登录。

    示例：

    \b
      docgen serve
      docgen serve 青山镇 --port 8080 --no-browser
      DOCGEN_PASSWORD=口令 docgen serve --host 0.0.0.0"""
    )
)
@click.argument(
    "directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
@option("--host", default="127.0.0.1", show_default=True, help=N_("监听的地址"))
@option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help=N_("端口"))
@option("--no-browser", is_flag=True, help=N_("不自动打开浏览器"))
@option(
    "--password-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help=N_("登录密码所在的文件（第一行）；也可用环境变量 DOCGEN_PASSWORD"),
)
def serve(directory, host, port, no_browser, password_file):
    from docgen.web import read_password
    from docgen.web import serve as run_server
    from docgen.web.app import is_loopback

    with reported_errors():
        if not directory.is_dir():
            fail(
                _("错误：找不到文件夹 {dir}；可用 docgen init {dir} 新建一个工作目录").format(
                    dir=display_path(directory)
                )
            )
        password = read_password(password_file)
        if not is_loopback(host) and not password:
            raise click.UsageError(
                _(
                    "--host {host} 会让其他电脑也能打开这个网页，请用 --password-file "
                    "或环境变量 DOCGEN_PASSWORD 设一个登录密码"
                ).format(host=host)
            )
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        echo(
            _("docgen 网页：http://{host}:{port}/ （工作目录 {dir}；按 Ctrl+C 停止）").format(
                host=shown, port=port, dir=directory.resolve()
            )
        )
        run_server(directory, host=host, port=port, password=password, open_browser=not no_browser)
