mkdir -p /tmp/www && cp /srv/version.txt /tmp/www/index.html
exec httpd -f -p 8080 -h /tmp/www
