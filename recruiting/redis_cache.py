"""
Django's Redis cache backend, reusing one Redis client per connection pool.

Django builds a new redis.Redis object for every cache operation, and redis-py (5 and
later) fills a table of some 170 response callbacks each time it builds one: about a
tenth of a millisecond per operation, more than the round trip to Redis on loopback.
A client is thread-safe and holds no connection of its own (the pool does), so one per
pool is enough. Used by settings.CACHES when REDIS_URL is set.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient
