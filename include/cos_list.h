/* cos_list.h: cos_list_t, the circular doubly-linked list with a sentinel head used for bodies and
 * results. Elements embed a cos_list_t node (always their first member in SDK result types). */
#ifndef LIBCOS_LIST_H
#define LIBCOS_LIST_H

#include <stddef.h>

#include "cos_sys_define.h"

COS_CPP_START

typedef struct cos_list_s cos_list_t;

struct cos_list_s {
    cos_list_t *next, *prev;
};

#define cos_list_head_init(name) { &(name), &(name) }

#define cos_list_init(ptr) do { (ptr)->next = (ptr); (ptr)->prev = (ptr); } while (0)

static inline void cos_list_add(cos_list_t *list, cos_list_t *prev, cos_list_t *next)
{
    next->prev = list;
    list->next = next;
    list->prev = prev;
    prev->next = list;
}

/* Appends node list before head (at the tail). */
static inline void cos_list_add_tail(cos_list_t *list, cos_list_t *head)
{
    cos_list_add(list, head->prev, head);
}

static inline void cos_list_del_between(cos_list_t *prev, cos_list_t *next)
{
    next->prev = prev;
    prev->next = next;
}

/* Unlinks entry and makes it a detached node. */
static inline void cos_list_del(cos_list_t *entry)
{
    cos_list_del_between(entry->prev, entry->next);
    cos_list_init(entry);
}

static inline int cos_list_empty(const cos_list_t *head)
{
    return head->next == head;
}

/* Moves every node of list to new_list (whose previous content is dropped); list becomes empty. */
static inline void cos_list_movelist(cos_list_t *list, cos_list_t *new_list)
{
    if (!cos_list_empty(list)) {
        new_list->prev = list->prev;
        new_list->next = list->next;
        new_list->prev->next = new_list;
        new_list->next->prev = new_list;
        cos_list_init(list);
    } else {
        cos_list_init(new_list);
    }
}

#define cos_list_entry(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

#define cos_list_get_first(list, type, member) \
    (cos_list_empty(list) ? NULL : cos_list_entry((list)->next, type, member))

#define cos_list_get_last(list, type, member) \
    (cos_list_empty(list) ? NULL : cos_list_entry((list)->prev, type, member))

#define cos_list_for_each_entry(postp, pos, head, member)          \
    for (pos = cos_list_entry((head)->next, postp, member);         \
         &pos->member != (head);                                    \
         pos = cos_list_entry(pos->member.next, postp, member))

#define cos_list_for_each_entry_reverse(postp, pos, head, member)  \
    for (pos = cos_list_entry((head)->prev, postp, member);         \
         &pos->member != (head);                                    \
         pos = cos_list_entry(pos->member.prev, postp, member))

#define cos_list_for_each_entry_safe(postp, pos, n, head, member)  \
    for (pos = cos_list_entry((head)->next, postp, member),         \
         n = cos_list_entry(pos->member.next, postp, member);       \
         &pos->member != (head);                                    \
         pos = n, n = cos_list_entry(n->member.next, postp, member))

#define cos_list_for_each_entry_safe_reverse(postp, pos, n, head, member) \
    for (pos = cos_list_entry((head)->prev, postp, member),               \
         n = cos_list_entry(pos->member.prev, postp, member);             \
         &pos->member != (head);                                          \
         pos = n, n = cos_list_entry(n->member.prev, postp, member))

COS_CPP_END

#endif
