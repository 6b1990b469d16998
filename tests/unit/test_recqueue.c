/* The record queue (sorted lists + heap) against a brute-force model: random
 * pushes with mostly rising, sometimes falling times, removals of random
 * members and pops; top must always be the smallest (time, seq) member, and
 * in-order pushes must stay out of the heap. */
#include "flow/recqueue.h"
#include "check.h"

#include <stdlib.h>

#define N 4000

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
    return check_xorshift(&rng);
}

static cf_heapnode nodes[N];
static int member[N];

/* The model's minimum member, or NULL. */
static cf_heapnode *model_min(void)
{
    cf_heapnode *m = NULL;
    for (int k = 0; k < N; k++)
        if (member[k] && (!m || cf_heapnode_less(&nodes[k], m)))
            m = &nodes[k];
    return m;
}

static void run(int back_percent)
{
    cf_recqueue q;
    cf_recqueue_init(&q);
    memset(member, 0, sizeof member);
    int64_t t = 1000;
    int pushed = 0, count = 0, ok_top = 1, ok_pop = 1;
    for (int step = 0; step < 3 * N; step++) {
        uint64_t r = next_rand() % 100;
        if (r < 55 && pushed < N) {
            cf_heapnode *x = &nodes[pushed];
            t += (int64_t)(next_rand() % 5);
            x->time = (int)(next_rand() % 100) < back_percent ? t - (int64_t)(next_rand() % 50) : t;
            x->seq = (uint64_t)pushed;
            CHECK_EQ_INT(cf_recqueue_push(&q, x), 0);
            member[pushed++] = 1;
            count++;
        } else if (r < 80 && count) {
            int k;
            do
                k = (int)(next_rand() % (uint64_t)pushed);
            while (!member[k]);
            cf_recqueue_remove(&q, &nodes[k]);
            member[k] = 0;
            count--;
        } else if (count) {
            cf_heapnode *want = model_min(), *got = cf_recqueue_pop(&q);
            ok_pop &= got == want;
            member[got - nodes] = 0;
            count--;
        }
        ok_top &= cf_recqueue_top(&q) == model_min();
        CHECK_EQ_INT(q.n, count);
    }
    CHECK(ok_top);
    CHECK(ok_pop);
    while (count) {
        cf_heapnode *want = model_min(), *got = cf_recqueue_pop(&q);
        CHECK(got == want);
        member[got - nodes] = 0;
        count--;
    }
    CHECK(cf_recqueue_pop(&q) == NULL);
    cf_recqueue_free(&q);
}

int main(void)
{
    run(0);
    run(5);
    run(60);

    /* Times that never fall stay in a list: the heap is never used. */
    cf_recqueue q;
    cf_recqueue_init(&q);
    for (int k = 0; k < 100; k++) {
        nodes[k].time = k / 3;
        nodes[k].seq = (uint64_t)k;
        cf_recqueue_push(&q, &nodes[k]);
    }
    CHECK_EQ_INT(q.heap.n, 0);
    CHECK_EQ_INT(q.n, 100);
    /* A second ordered stream below the first takes the second list;
     * a third one, below both tails, goes to the heap. */
    for (int k = 100; k < 110; k++) {
        nodes[k].time = -1000 + k;
        nodes[k].seq = (uint64_t)k;
        cf_recqueue_push(&q, &nodes[k]);
    }
    CHECK_EQ_INT(q.heap.n, 0);
    nodes[110].time = -2000;
    nodes[110].seq = 110;
    cf_recqueue_push(&q, &nodes[110]);
    CHECK_EQ_INT(q.heap.n, 1);
    CHECK(cf_recqueue_pop(&q) == &nodes[110]);
    for (int k = 100; k < 110; k++)
        CHECK(cf_recqueue_pop(&q) == &nodes[k]);
    CHECK(cf_recqueue_pop(&q) == &nodes[0]);
    cf_recqueue_free(&q);
    return check_report();
}
